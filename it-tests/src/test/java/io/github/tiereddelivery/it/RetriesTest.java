package io.github.tiereddelivery.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.github.tiereddelivery.it.support.DeliveryScenario;
import io.github.tiereddelivery.it.support.DeliveryStatusNotification;
import io.github.tiereddelivery.testing.Behaviour;

/** Case 10: when every server is down the mail waits in James' queue: delivered once they are back, else bounced. */
class RetriesTest {
    private static final Duration DELAY = Duration.ofSeconds(2);
    private static final int MAX_RETRIES = 4;
    private static final String[] ACME = {"primary", "backup"};

    @RegisterExtension
    static final DeliveryScenario scenario = DeliveryScenario.builder()
        .server("primary", "127.0.0.2")
        .server("backup", "127.0.0.3")
        .server("never-1", "127.0.0.4")
        .server("never-2", "127.0.0.5")
        .route("<route domain=\"acme.test\">"
            + "<host preference=\"10\">[127.0.0.2]</host><host preference=\"20\">[127.0.0.3]</host></route>")
        .route("<route domain=\"never.test\">"
            + "<host preference=\"10\">[127.0.0.4]</host><host preference=\"20\">[127.0.0.5]</host></route>")
        .mailetParameter("delayTime", DELAY.toSeconds() + " seconds")
        .mailetParameter("maxRetries", String.valueOf(MAX_RETRIES))
        .build();

    @Test
    void mailWaitsWhileEveryServerIsDownAndIsDeliveredExactlyOnceWhenTheyAreBack() throws Exception {
        scenario.server("primary").stop();
        scenario.server("backup").stop();

        List<String> sent = scenario.send(10, "user@acme.test");
        Thread.sleep(DELAY.multipliedBy(2).toMillis());
        assertThat(scenario.bounces()).isEmpty();

        scenario.server("primary").restart();
        scenario.server("backup").restart();
        scenario.awaitDelivered(10, Duration.ofSeconds(60), ACME);
        Thread.sleep(DELAY.multipliedBy(2).toMillis());

        assertThat(scenario.receivedMessageIds(ACME)).containsExactlyInAnyOrderElementsOf(sent);
        assertThat(scenario.bounces()).isEmpty();
    }

    @Test
    void mailForServersThatNeverComeBackIsBouncedAfterMaxRetriesAndNotBefore() throws Exception {
        Behaviour busy = Behaviour.builder().greeting("421 4.3.2 Service not available").build();
        scenario.server("never-1").behave(busy);
        scenario.server("never-2").behave(busy);

        scenario.send("user@never.test");

        scenario.awaitBounces(1, Duration.ofSeconds(60));
        // The first attempt and one per retry, each trying both tiers: nothing bounced before maxRetries.
        assertThat(scenario.server("never-1").connectionCount()).isEqualTo(1 + MAX_RETRIES);
        assertThat(scenario.server("never-2").connectionCount()).isEqualTo(1 + MAX_RETRIES);
        DeliveryStatusNotification dsn = DeliveryStatusNotification.parse(scenario.bounces().get(0));
        assertThat(dsn.recipients()).containsExactly("user@never.test");
        assertThat(dsn.field("user@never.test", "Action")).contains("failed");
        assertThat(dsn.field("user@never.test", "Status")).contains("4.3.2");
        assertThat(dsn.field("user@never.test", "Diagnostic-Code")).hasValueSatisfying(code ->
            assertThat(code).startsWith("smtp;").contains("421 4.3.2 Service not available"));
        // RFC 3464 2.3.7: the final attempt, made just before the bounce, not the one a delayTime before it (both dates
        // in whole seconds: that one would be at least DELAY older).
        assertThat(Duration.between(dsn.dateField("user@never.test", "Last-Attempt-Date"), dsn.date()).abs())
            .isLessThan(DELAY);
    }
}
