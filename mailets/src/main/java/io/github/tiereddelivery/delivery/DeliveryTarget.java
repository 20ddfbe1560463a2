package io.github.tiereddelivery.delivery;

import java.util.Locale;

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

    private static String sanitize(String text) {
        return text.toLowerCase(Locale.ROOT)
            .replace("*.", "any.")
            .replace("*", "default")
            .replaceAll("[^a-z0-9.@_-]", "_");
    }
}
