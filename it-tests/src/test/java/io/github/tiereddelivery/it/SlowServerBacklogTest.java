package io.github.tiereddelivery.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.github.tiereddelivery.it.support.DeliveryScenario;
import io.github.tiereddelivery.testing.Behaviour;

/**
 * A backlog for a slow server (every reply after 300 ms, two sessions at most) cycles through the queue while that
 * server is busy, each message holding a delivery thread for the short busy wait only: another route's mail goes on
 * within seconds (13 to 19 s with a 1 s busy wait, seen from outside), and the backlog is delivered, once each.
 */
class SlowServerBacklogTest {
    private static final int BACKLOG = 100;

    @RegisterExtension
    static final DeliveryScenario scenario = DeliveryScenario.builder()
        .server("slow", "127.0.0.2")
        .server("other", "127.0.0.3")
        .route("<route domain=\"slow.test\"><host>[127.0.0.2]</host></route>")
        .route("<route domain=\"other.test\"><host>[127.0.0.3]</host></route>")
        .mailetParameter("maxConnectionsPerServer", "2")
        .build();

    @Test
    void anotherRoutesMailGoesOnWithinSecondsWhileASlowServersBacklogWaitsForItsSessions() throws Exception {
        scenario.server("slow").behave(Behaviour.builder().replyDelay(Duration.ofMillis(300)).build());
        List<String> backlog = scenario.send(BACKLOG, "user@slow.test");
        Thread.sleep(3000);

        Instant sent = Instant.now();
        scenario.send("user@other.test");

        scenario.awaitDelivered(1, Duration.ofSeconds(60), "other");
        assertThat(scenario.server("other").messages()).singleElement().satisfies(message ->
            assertThat(Duration.between(sent, message.arrival())).isLessThan(Duration.ofSeconds(5)));
        scenario.awaitDelivered(BACKLOG, Duration.ofSeconds(120), "slow");
        assertThat(scenario.receivedMessageIds("slow")).containsExactlyInAnyOrderElementsOf(backlog);
        assertThat(scenario.bounces()).isEmpty();
    }
}
