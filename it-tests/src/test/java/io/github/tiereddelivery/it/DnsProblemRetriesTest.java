package io.github.tiereddelivery.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.github.tiereddelivery.it.support.DeliveryScenario;
import io.github.tiereddelivery.it.support.DeliveryStatusNotification;

/**
 * SPEC "Delivery behaviour" with {@code maxDnsProblemRetries} above {@code maxRetries}: a DNS problem is retried
 * {@code maxDnsProblemRetries} times, each after the last {@code delayTime}, then bounced — a temporary failure
 * (SERVFAIL: "never bounced before maxDnsProblemRetries") as a name without address ("bounce after
 * maxDnsProblemRetries").
 */
class DnsProblemRetriesTest {
    private static final Duration DELAY = Duration.ofSeconds(2);
    private static final int DNS_PROBLEM_RETRIES = 3;

    @RegisterExtension
    static final DeliveryScenario scenario = DeliveryScenario.builder()
        .server("mail", "127.0.0.2")
        .dns(zone -> zone.servfail("broken.test"))
        .route("<route domain=\"acme.test\"><host>mail.broken.test</host></route>")
        .route("<route domain=\"ghost.test\"><host>mail.ghost.test</host></route>")
        .mailetParameter("delayTime", DELAY.toSeconds() + " seconds")
        .mailetParameter("maxRetries", "1")
        .mailetParameter("maxDnsProblemRetries", String.valueOf(DNS_PROBLEM_RETRIES))
        .build();

    @Test
    void aNameThatDoesNotExistIsBouncedAfterMaxDnsProblemRetriesNotAfterMaxRetries() throws Exception {
        DeliveryStatusNotification dsn = bounceAfterEveryDnsProblemRetry("user@ghost.test");

        assertThat(dsn.field("user@ghost.test", "Status")).contains("5.4.4");
    }

    @Test
    void aTemporaryDnsFailureIsRetriedPastMaxRetriesAfterTheLastDelayThenBounced() throws Exception {
        DeliveryStatusNotification dsn = bounceAfterEveryDnsProblemRetry("user@acme.test");

        assertThat(dsn.field("user@acme.test", "Status")).contains("4.4.3");
        assertThat(scenario.outgoingQueueSize()).isZero();
    }

    /** Sends one mail and returns its DSN, which must come no sooner than maxDnsProblemRetries delays after it. */
    private static DeliveryStatusNotification bounceAfterEveryDnsProblemRetry(String recipient) throws Exception {
        long sentAt = System.nanoTime();
        scenario.send(recipient);

        scenario.awaitBounces(1, Duration.ofSeconds(60));

        assertThat(Duration.ofNanos(System.nanoTime() - sentAt)).isGreaterThanOrEqualTo(DELAY.multipliedBy(DNS_PROBLEM_RETRIES));
        return DeliveryStatusNotification.parse(scenario.bounces().get(0));
    }
}
