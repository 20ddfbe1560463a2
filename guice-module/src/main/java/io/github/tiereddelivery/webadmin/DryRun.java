package io.github.tiereddelivery.webadmin;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import org.apache.james.core.MailAddress;

import com.google.common.net.InetAddresses;

import io.github.tiereddelivery.delivery.DeliveryRegistry;
import io.github.tiereddelivery.delivery.DeliveryTarget;
import io.github.tiereddelivery.delivery.Resolution;
import io.github.tiereddelivery.delivery.Server;
import io.github.tiereddelivery.delivery.ServerHealth;
import io.github.tiereddelivery.delivery.Tier;
import io.github.tiereddelivery.routes.Route;
import io.github.tiereddelivery.webadmin.DryRunReport.AddressReport;
import io.github.tiereddelivery.webadmin.DryRunReport.ProblemReport;
import io.github.tiereddelivery.webadmin.DryRunReport.ServerReport;
import io.github.tiereddelivery.webadmin.DryRunReport.TierReport;

/**
 * Where a mail to a recipient would go now, worked out as a delivery attempt works it out (the mailet's router, DNS
 * servers and health memory) but without sending anything nor touching what the health check judges.
 */
final class DryRun {
    private final ServerHealth health;
    private final Clock clock;

    DryRun(ServerHealth health, Clock clock) {
        this.health = health;
        this.clock = clock;
    }

    DryRunReport resolve(DeliveryRegistry.Engine engine, MailAddress recipient) {
        Optional<Route> fromFile = engine.routesFile().routes().routeFor(recipient);
        DeliveryTarget target = fromFile.<DeliveryTarget>map(DeliveryTarget.Routed::fromFile)
            .orElseGet(() -> engine.router().targetFor(recipient));
        Optional<Route> route = target instanceof DeliveryTarget.Routed routed ? Optional.of(routed.route()) : Optional.empty();
        String matchedBy = fromFile.map(found -> found.key().kind()).orElse(route.isPresent() ? "gateway" : "mx");
        Resolution resolution = engine.planner().plan(target);
        Instant now = clock.instant();

        List<TierReport> tiers = new ArrayList<>();
        List<String> unresolved = List.of();
        Optional<ProblemReport> problem = Optional.empty();
        if (resolution instanceof Resolution.Planned planned) {
            planned.plan().tiers().forEach(tier -> tiers.add(tier(tier, engine, now)));
            unresolved = planned.unresolved();
        } else if (resolution instanceof Resolution.Unresolvable unresolvable) {
            problem = Optional.of(new ProblemReport(unresolvable.status().status(), unresolvable.status().diagnostic(),
                unresolvable.consequence().name().toLowerCase(Locale.ROOT).replace('_', '-')));
        }
        return new DryRunReport(recipient.asString(), matchedBy, why(matchedBy, route, recipient), target.describe(),
            route.map(Route::line).filter(line -> line > 0), route.map(RouteBody::withKey), tiers, unresolved, problem);
    }

    /** The servers of a tier grouped by the name that gave them, in the tier's order. */
    private TierReport tier(Tier tier, DeliveryRegistry.Engine engine, Instant now) {
        Map<String, List<Server>> byName = new LinkedHashMap<>();
        tier.servers().forEach(server -> byName.computeIfAbsent(server.hostname() + ":" + server.address().getPort(),
            any -> new ArrayList<>()).add(server));
        return new TierReport(tier.preference(), byName.values().stream()
            .map(servers -> new ServerReport(servers.get(0).hostname(), servers.get(0).address().getPort(),
                servers.stream().map(server -> address(server, engine, now)).toList()))
            .toList());
    }

    private AddressReport address(Server server, DeliveryRegistry.Engine engine, Instant now) {
        ServerState state = ServerState.of(health.status(server.address()), now);
        return new AddressReport(InetAddresses.toAddrString(server.address().getAddress()), state.state(), state.downUntil(),
            state.lastError(), engine.ownListeners().isOwn(server.address()));
    }

    private static String why(String matchedBy, Optional<Route> route, MailAddress recipient) {
        String domain = recipient.getDomain().asString();
        String key = route.map(found -> found.key().asString()).orElse("");
        return switch (matchedBy) {
            case "recipient" -> "the recipient route " + key + " (a recipient route comes before any domain route)";
            case "domain" -> "the route of the domain " + key;
            case "suffix" -> "the route " + key + ", the longest *.suffix route matching " + domain + " (no route for the domain itself)";
            case "default" -> "the default route * (no recipient, domain or *.suffix route matches)";
            case "gateway" -> "no route matches; the mailet's gateway parameter applies";
            default -> "no route matches; the MX records of " + domain + " decide (RFC 5321)";
        };
    }
}
