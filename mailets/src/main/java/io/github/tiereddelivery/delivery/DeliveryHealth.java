package io.github.tiereddelivery.delivery;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import javax.inject.Inject;

/**
 * What the health check reports: unhealthy when a routes file on disk is invalid or a route has no server up,
 * degraded when a route's first tier is entirely down or a route loops back to this James.
 */
public class DeliveryHealth {

    public enum Severity { DEGRADED, UNHEALTHY }

    public record Finding(Severity severity, String message) {
    }

    private final DeliveryRegistry registry;
    private final ServerHealth health;

    @Inject
    public DeliveryHealth(DeliveryRegistry registry, ServerHealth health) {
        this.registry = registry;
        this.health = health;
    }

    public List<Finding> findings() {
        List<Finding> findings = new ArrayList<>();
        for (DeliveryRegistry.Engine engine : registry.engines()) {
            engine.routesFile().refusal().ifPresent(reason -> findings.add(new Finding(Severity.UNHEALTHY,
                "the routes file " + engine.routesFile().path() + " on disk is refused, the previous routes stay in force: " + reason)));
            for (RoutePlan plan : engine.recentPlans().plans()) {
                findings.addAll(judge(plan, engine.ownListeners()));
            }
        }
        return findings.stream().distinct().collect(Collectors.toList());
    }

    private List<Finding> judge(RoutePlan plan, OwnListeners ownListeners) {
        List<Finding> findings = new ArrayList<>();
        List<Server> servers = plan.tiers().stream().flatMap(tier -> tier.servers().stream()).collect(Collectors.toList());
        servers.stream().filter(server -> ownListeners.isOwn(server.address())).forEach(server -> findings.add(new Finding(
            Severity.DEGRADED, plan.describe() + " resolves to " + server + ", where this James listens: mail loop, the server is not used")));
        if (servers.stream().allMatch(this::isDown)) {
            findings.add(new Finding(Severity.UNHEALTHY, plan.describe() + ": no server up (" + describe(servers) + ")"));
        } else if (plan.tiers().get(0).servers().stream().allMatch(this::isDown)) {
            findings.add(new Finding(Severity.DEGRADED, plan.describe() + ": the first tier is down ("
                + describe(plan.tiers().get(0).servers()) + "), mail goes to the next tiers"));
        }
        return findings;
    }

    private boolean isDown(Server server) {
        return health.status(server.address()).map(ServerHealth.ServerStatus::down).orElse(false);
    }

    private String describe(List<Server> servers) {
        return servers.stream()
            .map(server -> server + health.status(server.address()).flatMap(ServerHealth.ServerStatus::lastError)
                .map(error -> ": " + error).orElse(""))
            .collect(Collectors.joining("; "));
    }
}
