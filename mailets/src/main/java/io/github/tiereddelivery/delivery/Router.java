package io.github.tiereddelivery.delivery;

import java.net.IDN;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

import org.apache.james.core.MailAddress;

import io.github.tiereddelivery.routes.Route;
import io.github.tiereddelivery.routes.RouteTable;

/**
 * Which target each recipient goes to: its route (SPEC precedence, decided by {@link RouteTable}), else stock's
 * {@code gateway} parameter when set, else the MX of its domain.
 */
public class Router {
    private final Supplier<RouteTable> routes;
    private final Optional<DeliveryTarget.Routed> gateway;

    public Router(Supplier<RouteTable> routes, Optional<Route> gateway) {
        this.routes = routes;
        this.gateway = gateway.map(route -> new DeliveryTarget.Routed(route, "gateway parameter"));
    }

    public DeliveryTarget targetFor(MailAddress recipient) {
        return targetFor(routes.get(), recipient);
    }

    /** Recipients grouped by target, in the order they first appear; one routes table for the whole mail. */
    public Map<DeliveryTarget, List<MailAddress>> group(Collection<MailAddress> recipients) {
        RouteTable table = routes.get();
        Map<DeliveryTarget, List<MailAddress>> groups = new LinkedHashMap<>();
        for (MailAddress recipient : recipients) {
            groups.computeIfAbsent(targetFor(table, recipient), any -> new ArrayList<>()).add(recipient);
        }
        return groups;
    }

    private DeliveryTarget targetFor(RouteTable table, MailAddress recipient) {
        return table.routeFor(recipient)
            .<DeliveryTarget>map(DeliveryTarget.Routed::fromFile)
            .or(() -> gateway)
            .orElseGet(() -> new DeliveryTarget.DomainMx(asciiDomain(recipient)));
    }

    static String asciiDomain(MailAddress recipient) {
        String domain = recipient.getDomain().asString();
        try {
            return IDN.toASCII(domain, IDN.ALLOW_UNASSIGNED).toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException e) {
            return domain.toLowerCase(Locale.ROOT);
        }
    }
}
