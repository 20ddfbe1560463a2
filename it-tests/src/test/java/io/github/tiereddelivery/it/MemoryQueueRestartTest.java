package io.github.tiereddelivery.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.github.tiereddelivery.it.support.DeliveryScenario;

/**
 * The memory server's limitation, documented: its mail queue lives in the JVM, so mail waiting for a retry is gone
 * when James stops (stock RemoteDelivery's too). {@link RestartTest} shows the same restart on a persistent queue.
 */
class MemoryQueueRestartTest {
    private static final Duration DELAY = Duration.ofSeconds(2);

    @RegisterExtension
    static final DeliveryScenario scenario = DeliveryScenario.builder()
        .server("acme", "127.0.0.2")
        .route("<route domain=\"acme.test\"><host>[127.0.0.2]</host></route>")
        .mailetParameter("delayTime", DELAY.toSeconds() + " seconds")
        .mailetParameter("maxRetries", "20")
        .build();

    @Test
    void theMemoryServersQueueForgetsMailWaitingForRetryAcrossARestart() throws Exception {
        scenario.server("acme").stop();
        List<String> sent = scenario.send(3, "user@acme.test");
        scenario.awaitFailedSessions("acme", sent.size(), Duration.ofSeconds(30));
        Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
            .until(() -> scenario.outgoingQueueSize() == sent.size());

        scenario.stopJames();
        scenario.server("acme").restart();
        scenario.startJames();

        assertThat(scenario.outgoingQueueSize()).isZero();
        Thread.sleep(DELAY.multipliedBy(2).toMillis());
        assertThat(scenario.receivedMessageIds("acme")).isEmpty();
    }
}
