package io.github.tiereddelivery.routes;

import java.util.Locale;

/** How a route spreads mail over the servers of one tier (servers of equal preference). */
public enum Balancing {
    /** Random order per attempt; RFC 5321 section 5.1 asks for this among equal-preference MX hosts. */
    RANDOM("random"),
    ROUND_ROBIN("round-robin"),
    /** Random order, each server's chance proportional to its {@link HostSpec#weight()}. */
    WEIGHTED("weighted");

    private final String text;

    Balancing(String text) {
        this.text = text;
    }

    /** Parses "random", "round-robin" or "weighted", ignoring case. */
    public static Balancing parse(String text) {
        String wanted = text.strip().toLowerCase(Locale.ROOT);
        for (Balancing balancing : values()) {
            if (balancing.text.equals(wanted)) {
                return balancing;
            }
        }
        throw new IllegalArgumentException("\"" + text + "\" is not a balancing; use random (the default), "
            + "round-robin or weighted, e.g. balancing=\"random\"");
    }

    /** The name as written in the routes file. */
    public String asString() {
        return text;
    }
}
