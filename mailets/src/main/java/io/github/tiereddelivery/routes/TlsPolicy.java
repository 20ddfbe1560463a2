package io.github.tiereddelivery.routes;

import java.util.Locale;

/** A route's STARTTLS policy, overriding the mailet's {@code startTLS} for that route. */
public enum TlsPolicy {
    /** Never STARTTLS. */
    NONE("none"),
    /** STARTTLS when the server offers it, in clear otherwise. */
    OPPORTUNISTIC("opportunistic"),
    /** STARTTLS with a verified certificate and host name; never sends in clear. */
    REQUIRED("required");

    private final String text;

    TlsPolicy(String text) {
        this.text = text;
    }

    /** Parses "none", "opportunistic" or "required", ignoring case. */
    public static TlsPolicy parse(String text) {
        String wanted = text.strip().toLowerCase(Locale.ROOT);
        for (TlsPolicy policy : values()) {
            if (policy.text.equals(wanted)) {
                return policy;
            }
        }
        throw new IllegalArgumentException("\"" + text + "\" is not a TLS policy; use none (never STARTTLS), "
            + "opportunistic (STARTTLS when offered) or required (verified STARTTLS, never in clear), "
            + "e.g. tls=\"required\"");
    }

    /** The name as written in the routes file. */
    public String asString() {
        return text;
    }
}
