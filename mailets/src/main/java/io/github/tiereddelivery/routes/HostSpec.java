package io.github.tiereddelivery.routes;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Objects;
import java.util.OptionalInt;

import com.google.common.net.InetAddresses;

/**
 * One {@code <host>} of a route: a server name (its A/AAAA records are the servers) or an IP address literal
 * (no DNS), an optional port, the server's preference (lower = tried first, equal = one load-balanced tier) and
 * its weight for {@link Balancing#WEIGHTED}.
 *
 * @param host        lower-case A-label host name, or the canonical IP address text without brackets
 * @param isIpLiteral whether {@code host} is an IP address
 * @param port        the port written with the host; empty = the route's port, else the mailet's default port
 * @param preference  0..65535
 * @param weight      1..1000
 */
public record HostSpec(String host, boolean isIpLiteral, OptionalInt port, int preference, int weight) {
    public static final int DEFAULT_PREFERENCE = 10;
    public static final int DEFAULT_WEIGHT = 1;
    public static final int MIN_PREFERENCE = 0;
    public static final int MAX_PREFERENCE = 65535;
    public static final int MIN_WEIGHT = 1;
    public static final int MAX_WEIGHT = 1000;

    static final String PREFERENCE_RULE = "preference must be a whole number from 0 to 65535 (lower = tried first), "
        + "e.g. preference=\"10\"";
    static final String WEIGHT_RULE = "weight must be a whole number from 1 to 1000 (the server's share of the load "
        + "with balancing=\"weighted\"), e.g. weight=\"3\"";
    private static final String FORMS = "write a server as name, name:port, [IP address] or [IP address]:port, "
        + "e.g. mail1.acme.test:2525 or [192.0.2.7]";
    /** RFC 5321 section 4.1.3 tag of an IPv6 address literal. */
    private static final String IPV6_TAG = "IPv6:";

    public HostSpec {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(port, "port");
        host = isIpLiteral ? HostNames.canonicalIpAddress(host) : HostNames.toALabel(host);
        if (port.isPresent() && !Ports.isValid(port.getAsInt())) {
            throw new IllegalArgumentException(Ports.RULE);
        }
        if (preference < MIN_PREFERENCE || preference > MAX_PREFERENCE) {
            throw new IllegalArgumentException(PREFERENCE_RULE);
        }
        if (weight < MIN_WEIGHT || weight > MAX_WEIGHT) {
            throw new IllegalArgumentException(WEIGHT_RULE);
        }
    }

    /**
     * Parses the text of a {@code <host>} element: {@code name}, {@code name:port}, {@code [IPv4]},
     * {@code [IPv6]} or {@code [IPv6:IPv6]} (RFC 5321 address literal), each optionally followed by {@code :port}.
     *
     * @throws IllegalArgumentException saying what is wrong and how to write it
     */
    public static HostSpec parse(String text, int preference, int weight) {
        String server = text.strip();
        if (server.isEmpty()) {
            throw new IllegalArgumentException("the host is empty; " + FORMS);
        }
        if (server.startsWith("[")) {
            return parseIpLiteral(server, preference, weight);
        }
        int colon = server.indexOf(':');
        if (colon >= 0 && server.indexOf(':', colon + 1) >= 0) {
            throw new IllegalArgumentException("\"" + server + "\" looks like an IPv6 address; write it in brackets, "
                + "e.g. [" + server + "]");
        }
        String name = colon < 0 ? server : server.substring(0, colon);
        OptionalInt port = colon < 0 ? OptionalInt.empty() : port(server, server.substring(colon + 1));
        if (HostNames.isIpAddress(name)) {
            throw new IllegalArgumentException("\"" + name + "\" is an IP address; write it in brackets, e.g. ["
                + name + "] (a name without brackets is looked up in DNS)");
        }
        try {
            return new HostSpec(name, false, port, preference, weight);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage() + "; " + FORMS, e);
        }
    }

    /**
     * A server named without its port, as WebAdmin's JSON gives it (the port comes separately): a host name, or an IP
     * address with or without brackets ({@code 192.0.2.7}, {@code [192.0.2.7]}, {@code 2001:db8::1},
     * {@code [2001:db8::1]}, {@code [IPv6:2001:db8::1]}).
     *
     * @throws IllegalArgumentException saying what is wrong and how to write it
     */
    public static HostSpec ofServer(String server, OptionalInt port, int preference, int weight) {
        String text = server.strip();
        if (text.isEmpty()) {
            throw new IllegalArgumentException("the host is empty; write a host name or an IP address, e.g. "
                + "mail1.acme.test or 192.0.2.7");
        }
        if (text.startsWith("[")) {
            HostSpec literal = parseIpLiteral(text, preference, weight);
            if (literal.port().isPresent()) {
                throw new IllegalArgumentException("\"" + text + "\" carries a port; give the port on its own and the "
                    + "address alone, e.g. [" + literal.host() + "]");
            }
            return new HostSpec(literal.host(), true, port, preference, weight);
        }
        if (HostNames.isIpAddress(text)) {
            return new HostSpec(parseIpLiteral("[" + text + "]", preference, weight).host(), true, port, preference, weight);
        }
        if (text.indexOf(':') >= 0) {
            throw new IllegalArgumentException("\"" + text + "\" is neither a host name nor an IP address; give the "
                + "port on its own, not after a ':'");
        }
        return new HostSpec(text, false, port, preference, weight);
    }

    private static HostSpec parseIpLiteral(String server, int preference, int weight) {
        int close = server.indexOf(']');
        if (close < 0) {
            throw new IllegalArgumentException("\"" + server + "\" has no closing ']'; " + FORMS);
        }
        String literal = server.substring(1, close);
        boolean tagged = literal.regionMatches(true, 0, IPV6_TAG, 0, IPV6_TAG.length());
        String address = tagged ? literal.substring(IPV6_TAG.length()) : literal;
        if (!HostNames.isIpAddress(address) || tagged && address.indexOf(':') < 0) {
            throw new IllegalArgumentException("\"[" + literal + "]\" is not an IP address; write it like "
                + "[192.0.2.7] or [2001:db8::1] (names go without brackets)");
        }
        checkCanBeAMailServer(literal, address);
        String rest = server.substring(close + 1);
        OptionalInt port;
        if (rest.isEmpty()) {
            port = OptionalInt.empty();
        } else if (rest.startsWith(":")) {
            port = port(server, rest.substring(1));
        } else {
            throw new IllegalArgumentException("\"" + server + "\" has \"" + rest + "\" after the ']'; " + FORMS);
        }
        return new HostSpec(address, true, port, preference, weight);
    }

    /** RFC 1122 3.2.1.3 and 4.2.3.10; a link-local IPv6 address names no interface here. */
    private static void checkCanBeAMailServer(String literal, String address) {
        InetAddress parsed = InetAddresses.forString(address);
        if (parsed.isAnyLocalAddress() || parsed.isMulticastAddress() || parsed instanceof Inet6Address && parsed.isLinkLocalAddress()
                || address.equals("255.255.255.255")) {
            throw new IllegalArgumentException("\"[" + literal + "]\" can be no mail server (an unspecified, broadcast, "
                + "multicast or link-local address); write the server's own address, e.g. [192.0.2.7]");
        }
    }

    private static OptionalInt port(String server, String portText) {
        OptionalInt port = WholeNumbers.parse(portText, Ports.MIN, Ports.MAX);
        if (port.isEmpty()) {
            throw new IllegalArgumentException("\"" + server + "\": the port after ':' must be a whole number from "
                + "1 to 65535, e.g. mail1.acme.test:2525");
        }
        return port;
    }

    /** The server as a user writes it: {@code mail2.acme.test:2525}, {@code [192.0.2.7]:2525}, {@code [2001:db8::1]}. */
    public String asString() {
        String server = isIpLiteral ? "[" + host + "]" : host;
        return port.isPresent() ? server + ":" + port.getAsInt() : server;
    }
}
