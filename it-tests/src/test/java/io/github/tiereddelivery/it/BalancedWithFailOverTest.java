package io.github.tiereddelivery.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.github.tiereddelivery.it.support.DeliveryScenario;

/** Case 4: two balanced servers (preference 10) and a fail-over server (20). */
class BalancedWithFailOverTest {
    @RegisterExtension
    static final DeliveryScenario scenario = DeliveryScenario.builder()
        .server("balanced-1", "127.0.0.2")
        .server("balanced-2", "127.0.0.3")
        .server("fail-over", "127.0.0.4")
        .route("<route domain=\"acme.test\">"
            + "<host preference=\"10\">[127.0.0.2]</host>"
            + "<host preference=\"10\">[127.0.0.3]</host>"
            + "<host preference=\"20\">[127.0.0.4]</host>"
            + "</route>")
        .build();

    @Test
    void theBalancedPairSharesTheMailAndTheFailOverGetsNothing() throws Exception {
        scenario.send(40, "user@acme.test");

        scenario.awaitDelivered(40, Duration.ofSeconds(60), "balanced-1", "balanced-2", "fail-over");

        assertThat(scenario.server("balanced-1").messageCount()).isPositive();
        assertThat(scenario.server("balanced-2").messageCount()).isPositive();
        assertThat(scenario.server("fail-over").messageCount()).isZero();
    }

    @Test
    void withOneOfThePairDownTheOtherGetsEverythingAndTheFailOverNothing() throws Exception {
        scenario.server("balanced-1").stop();

        List<String> sent = scenario.send(20, "user@acme.test");

        scenario.awaitDelivered(20, Duration.ofSeconds(60), "balanced-2", "fail-over");
        assertThat(scenario.receivedMessageIds("balanced-2")).containsExactlyInAnyOrderElementsOf(sent);
        assertThat(scenario.server("fail-over").messageCount()).isZero();
    }

    @Test
    void withBothOfThePairDownTheFailOverGetsEverything() throws Exception {
        scenario.server("balanced-1").stop();
        scenario.server("balanced-2").stop();

        List<String> sent = scenario.send(20, "user@acme.test");

        scenario.awaitDelivered(20, Duration.ofSeconds(60), "fail-over");
        assertThat(scenario.receivedMessageIds("fail-over")).containsExactlyInAnyOrderElementsOf(sent);
    }
}
