package io.github.tiereddelivery.delivery;

import static io.github.tiereddelivery.delivery.Servers.server;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import io.github.tiereddelivery.routes.Balancing;

class BalancerTest {
    private static final int DRAWS = 20_000;
    private static final Server FIRST = server("mx1.acme.test", "127.0.0.2", 10);
    private static final Server SECOND = server("mx2.acme.test", "127.0.0.3", 10);

    private final Balancer balancer = new Balancer();

    private static RoutePlan plan(Balancing balancing, Server... servers) {
        return new RoutePlan(new DeliveryTarget.DomainMx("acme.test"), List.of(new Tier(10, List.of(servers))), balancing,
            Optional.empty(), Optional.empty());
    }

    private double firstPlaceShare(RoutePlan plan, Server server) {
        long count = IntStream.range(0, DRAWS)
            .filter(any -> balancer.order(plan, plan.tiers().get(0)).get(0).equals(server))
            .count();
        return (double) count / DRAWS;
    }

    @Test
    void randomBalancingGivesEqualServersEqualShares() {
        assertThat(firstPlaceShare(plan(Balancing.RANDOM, FIRST, SECOND), FIRST)).isBetween(0.47, 0.53);
    }

    @Test
    void randomBalancingStillTriesEveryServerOfTheTier() {
        assertThat(balancer.order(plan(Balancing.RANDOM, FIRST, SECOND), new Tier(10, List.of(FIRST, SECOND))))
            .containsExactlyInAnyOrder(FIRST, SECOND);
    }

    @Test
    void roundRobinAlternatesTheFirstServer() {
        RoutePlan plan = plan(Balancing.ROUND_ROBIN, FIRST, SECOND);
        List<Server> firsts = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            firsts.add(balancer.order(plan, plan.tiers().get(0)).get(0));
        }

        assertThat(firsts).containsExactly(FIRST, SECOND, FIRST, SECOND, FIRST, SECOND);
    }

    @Test
    void roundRobinKeepsTheOthersAsFailOverInRotatedOrder() {
        Server third = server("mx3.acme.test", "127.0.0.4", 10);
        RoutePlan plan = plan(Balancing.ROUND_ROBIN, FIRST, SECOND, third);
        balancer.order(plan, plan.tiers().get(0));

        assertThat(balancer.order(plan, plan.tiers().get(0))).containsExactly(SECOND, third, FIRST);
    }

    @Test
    void weightedBalancingFollowsTheWeights() {
        Server heavy = server("mx1.acme.test", "127.0.0.2", 10, 3);
        Server light = server("mx2.acme.test", "127.0.0.3", 10, 1);

        assertThat(firstPlaceShare(plan(Balancing.WEIGHTED, heavy, light), heavy)).isBetween(0.72, 0.78);
    }

    @Test
    void weightedBalancingStillTriesEveryServerOfTheTier() {
        Server heavy = server("mx1.acme.test", "127.0.0.2", 10, 1000);
        RoutePlan plan = plan(Balancing.WEIGHTED, heavy, SECOND);

        assertThat(balancer.order(plan, plan.tiers().get(0))).containsExactlyInAnyOrder(heavy, SECOND);
    }
}
