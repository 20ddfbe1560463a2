package io.github.tiereddelivery.delivery;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The order in which one attempt tries the servers of a plan (OkHttp's RouteSelector): tier by tier, each tier in its
 * balancing order; servers the health memory holds down go last, after every healthy server of every tier, in tier
 * order — tried still, never skipped, so that a route never fails closed.
 */
public class ServerSelector {
    private final Balancer balancer;
    private final ServerHealth health;

    public ServerSelector(Balancer balancer, ServerHealth health) {
        this.balancer = balancer;
        this.health = health;
    }

    public List<Candidate> candidates(RoutePlan plan) {
        List<Candidate> healthy = new ArrayList<>();
        List<Candidate> down = new ArrayList<>();
        List<Tier> tiers = plan.tiers();
        for (int index = 0; index < tiers.size(); index++) {
            Tier tier = tiers.get(index);
            for (Server server : balancer.order(plan, tier)) {
                ServerHealth.Availability availability = health.availability(server);
                Candidate candidate = new Candidate(index, tier, server, availability);
                if (candidate.down()) {
                    down.add(candidate);
                } else {
                    healthy.add(candidate);
                }
            }
        }
        healthy.addAll(down);
        return healthy;
    }

    /**
     * A server that was up when the order was made and has gone down since (another message's session with it failed
     * while this attempt tried the servers before it): it goes to the end, as {@link #candidates} would place it now.
     */
    public Optional<Candidate> wentDown(Candidate candidate) {
        if (candidate.availability() != ServerHealth.Availability.UP || !health.isDown(candidate.server())) {
            return Optional.empty();
        }
        return Optional.of(new Candidate(candidate.tierIndex(), candidate.tier(), candidate.server(), ServerHealth.Availability.DOWN));
    }
}
