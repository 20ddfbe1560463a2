package io.github.tiereddelivery.routes;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import org.apache.james.core.MailAddress;

/**
 * The routes in force, and the route of a recipient. Precedence (SPEC): recipient &gt; exact domain &gt; longest
 * {@code *.suffix} &gt; {@code *}; no route means RFC 5321 delivery to the MX of the recipient domain. Look-ups are
 * hash look-ups: constant in the number of routes, linear in the number of labels of the domain.
 */
public final class RouteTable {
    private static final RouteTable EMPTY = new RouteTable(List.of());

    private final List<Route> routes;
    private final Map<String, Route> byRecipient = new HashMap<>();
    private final Map<String, Route> byDomain = new HashMap<>();
    private final Map<String, Route> bySuffixParent = new HashMap<>();
    private final Route defaultRoute;

    private RouteTable(List<Route> routes) {
        this.routes = List.copyOf(routes);
        Route star = null;
        for (Route route : this.routes) {
            RouteKey key = route.key();
            Route previous;
            if (key instanceof RouteKey.Recipient recipient) {
                previous = byRecipient.putIfAbsent(recipient.address(), route);
            } else if (key instanceof RouteKey.Domain domain) {
                previous = byDomain.putIfAbsent(domain.domain(), route);
            } else if (key instanceof RouteKey.Suffix suffix) {
                previous = bySuffixParent.putIfAbsent(suffix.parent(), route);
            } else {
                previous = star;
                if (star == null) {
                    star = route;
                }
            }
            if (previous != null) {
                throw new IllegalArgumentException("two routes for " + key.asString() + ": " + previous.describe()
                    + " and " + route.describe() + "; keep one");
            }
        }
        this.defaultRoute = star;
    }

    public static RouteTable empty() {
        return EMPTY;
    }

    /**
     * @throws IllegalArgumentException when two routes have the same key
     */
    public static RouteTable of(List<Route> routes) {
        return routes.isEmpty() ? EMPTY : new RouteTable(routes);
    }

    /** Every route, in file order. */
    public List<Route> routes() {
        return routes;
    }

    /** The route written for exactly this key, if any (no precedence applied). */
    public Optional<Route> find(RouteKey key) {
        Route route;
        if (key instanceof RouteKey.Recipient recipient) {
            route = byRecipient.get(recipient.address());
        } else if (key instanceof RouteKey.Domain domain) {
            route = byDomain.get(domain.domain());
        } else if (key instanceof RouteKey.Suffix suffix) {
            route = bySuffixParent.get(suffix.parent());
        } else {
            route = defaultRoute;
        }
        return Optional.ofNullable(route);
    }

    /** The route for this recipient; empty = deliver to the MX of the recipient domain (RFC 5321 section 5.1). */
    public Optional<Route> routeFor(MailAddress recipient) {
        return routeFor(recipient.getLocalPart(), recipient.getDomain().asString());
    }

    /**
     * The route for a recipient written {@code local@domain}; the domain may be in U-label or A-label form.
     *
     * @throws IllegalArgumentException when the address has no @
     */
    public Optional<Route> routeFor(String recipientAddress) {
        int at = recipientAddress.lastIndexOf('@');
        if (at < 0) {
            throw new IllegalArgumentException("\"" + recipientAddress + "\" is not an e-mail address (it has no @)");
        }
        return routeFor(recipientAddress.substring(0, at), recipientAddress.substring(at + 1));
    }

    private Optional<Route> routeFor(String localPart, String domain) {
        String asciiDomain = HostNames.lookupForm(domain);
        Route route = byRecipient.get(localPart.toLowerCase(Locale.ROOT) + "@" + asciiDomain);
        if (route == null) {
            route = byDomain.get(asciiDomain);
        }
        // Proper parents only, longest first: x.y.initech.test tries y.initech.test, initech.test, test.
        for (int dot = asciiDomain.indexOf('.'); route == null && dot >= 0; dot = asciiDomain.indexOf('.', dot + 1)) {
            route = bySuffixParent.get(asciiDomain.substring(dot + 1));
        }
        return Optional.ofNullable(route != null ? route : defaultRoute);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RouteTable other && routes.equals(other.routes);
    }

    @Override
    public int hashCode() {
        return Objects.hash(routes);
    }

    @Override
    public String toString() {
        return "RouteTable" + routes;
    }
}
