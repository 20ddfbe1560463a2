package io.github.tiereddelivery.delivery;

import static io.github.tiereddelivery.delivery.Servers.server;
import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.github.tiereddelivery.routes.Balancing;

class ServerSelectorTest {
    private static final Server T1_A = server("a.acme.test", "127.0.0.2", 10);
    private static final Server T1_B = server("b.acme.test", "127.0.0.3", 10);
    private static final Server T2 = server("c.acme.test", "127.0.0.4", 20);
    private static final Server T3 = server("d.acme.test", "127.0.0.5", 30);
    private static final RoutePlan PLAN = new RoutePlan(new DeliveryTarget.DomainMx("acme.test"),
        RoutePlanner.tiers(List.of(T1_A, T1_B, T2, T3)), Balancing.RANDOM, Optional.empty(), Optional.empty());

    private final ServerHealth health = new ServerHealth();
    private ServerSelector selector;

    @BeforeEach
    void setUp() {
        Balancer inOrder = mock(Balancer.class);
        when(inOrder.order(any(), any())).thenAnswer(invocation -> ((Tier) invocation.getArgument(1)).servers());
        selector = new ServerSelector(inOrder, health);
    }

    private List<Server> order() {
        return selector.candidates(PLAN).stream().map(Candidate::server).toList();
    }

    @Test
    void healthyServersComeTierByTier() {
        assertThat(order()).containsExactly(T1_A, T1_B, T2, T3);
    }

    @Test
    void aDownServerIsTriedAfterTheHealthyServersOfItsTierAndOfLaterTiers() {
        health.failed(T1_A, "connection refused");

        assertThat(order()).containsExactly(T1_B, T2, T3, T1_A);
    }

    @Test
    void downServersKeepTheirTierOrderAtTheEnd() {
        health.failed(T2, "connection refused");
        health.failed(T1_A, "connection refused");

        assertThat(order()).containsExactly(T1_B, T3, T1_A, T2);
    }

    @Test
    void whenEveryServerIsDownEveryServerIsStillTried() {
        List.of(T1_A, T1_B, T2, T3).forEach(server -> health.failed(server, "connection refused"));

        assertThat(order()).containsExactly(T1_A, T1_B, T2, T3);
    }

    @Test
    void aServerThatWentDownAfterTheOrderWasMadeGoesLastAsDown() {
        Candidate twin = selector.candidates(PLAN).get(1);
        health.failed(T1_B, "connection refused");

        assertThat(selector.wentDown(twin)).hasValueSatisfying(moved -> {
            assertThat(moved.server()).isEqualTo(T1_B);
            assertThat(moved.tierIndex()).isZero();
            assertThat(moved.down()).isTrue();
        });
    }

    @Test
    void aServerStillUpOrAlreadyDownWhenTheOrderWasMadeKeepsItsPlace() {
        health.failed(T1_A, "connection refused");
        List<Candidate> candidates = selector.candidates(PLAN);

        assertThat(candidates).allSatisfy(candidate -> assertThat(selector.wentDown(candidate)).isEmpty());
    }

    @Test
    void aDownServerKeepsItsTierForRecipientsBoundToThatTier() {
        health.failed(T1_A, "connection refused");

        Candidate last = selector.candidates(PLAN).get(3);

        assertThat(last.server()).isEqualTo(T1_A);
        assertThat(last.tierIndex()).isZero();
    }
}
