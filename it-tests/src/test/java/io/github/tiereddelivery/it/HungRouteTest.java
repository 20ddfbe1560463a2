package io.github.tiereddelivery.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.github.tiereddelivery.it.support.DeliveryScenario;
import io.github.tiereddelivery.testing.Behaviour;

/**
 * A route whose only server hangs (accepts, never greets) with a backlog of mail does not hold the delivery threads:
 * once the server is known down, one message at a time tries it and the others wait for their next delayTime, so the
 * mail of a healthy route goes on at once (issue 6: "a slow or hung server never takes the delivery threads of the
 * others"). Before, every message of the backlog held a thread for the greeting timeout or the busy wait, and the
 * healthy route's mail waited behind them: 35 to 53 s here, against well under a second now.
 */
class HungRouteTest {
    private static final int BACKLOG = 100;

    @RegisterExtension
    static final DeliveryScenario scenario = DeliveryScenario.builder()
        .server("hung", "127.0.0.2")
        .server("healthy", "127.0.0.3")
        .route("<route domain=\"hung.test\"><host>[127.0.0.2]</host></route>")
        .route("<route domain=\"healthy.test\"><host>[127.0.0.3]</host></route>")
        .mailetParameter("deliveryThreads", "4")
        .build();

    @Test
    void aBacklogForAHungServerDoesNotDelayTheMailOfOtherRoutes() throws Exception {
        scenario.server("hung").behave(Behaviour.builder().neverGreet().build());
        scenario.send(BACKLOG, "user@hung.test");
        // The first sessions time out (timeout 2000 ms): from then on the server is known down.
        scenario.awaitFailedSessions("hung", 1, Duration.ofSeconds(30));

        Instant sent = Instant.now();
        scenario.send(5, "user@healthy.test");

        scenario.awaitDelivered(5, Duration.ofSeconds(60), "healthy");
        assertThat(scenario.server("healthy").messages()).allSatisfy(message ->
            assertThat(Duration.between(sent, message.arrival())).isLessThan(Duration.ofSeconds(10)));
        // Nothing lost: the backlog waits in the queue for its next delayTime.
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> scenario.outgoingQueueSize() == BACKLOG);
        assertThat(scenario.server("hung").messageCount()).isZero();
    }
}
