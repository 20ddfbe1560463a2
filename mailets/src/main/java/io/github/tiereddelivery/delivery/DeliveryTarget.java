package io.github.tiereddelivery.delivery;

import io.github.tiereddelivery.routes.Route;

/** Where a group of recipients goes: a route (from the routes file or the stock gateway parameter), or the MX of a domain. */
public sealed interface DeliveryTarget {

    /** Names the part of a split mail, like stock's {@code -to-domain} suffix; safe in mail names and file names. */
    String key();

    /** For logs and bounces: {@code route acme.test (line 3)}, {@code MX of acme.test}. */
    String describe();

    record Routed(Route route, String description) implements DeliveryTarget {
        public static Routed fromFile(Route route) {
            return new Routed(route, route.describe());
        }

        @Override
        public String key() {
            return sanitize(route.key().asString());
        }

        @Override
        public String describe() {
            return description;
        }
    }

    /** RFC 5321 section 5.1: the MX records of the recipient domain (A-label form). */
    record DomainMx(String domain) implements DeliveryTarget {
        @Override
        public String key() {
            return sanitize(domain);
        }

        @Override
        public String describe() {
            return "MX of " + domain;
        }
    }

    /** Lower case; {@code *.} becomes {@code any.}, {@code *} {@code default}, anything but [a-z0-9.@_-] {@code _}. */
    private static String sanitize(String text) {
        // A loop, not regular expressions: this runs several times per message (mail names, metrics, balancing).
        StringBuilder key = new StringBuilder(text.length() + 8);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '*') {
                boolean suffix = i + 1 < text.length() && text.charAt(i + 1) == '.';
                key.append(suffix ? "any" : "default");
            } else if (c >= 'A' && c <= 'Z') {
                key.append((char) (c + ('a' - 'A')));
            } else if (c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '.' || c == '@' || c == '_' || c == '-') {
                key.append(c);
            } else {
                key.append('_');
            }
        }
        return key.toString();
    }
}
