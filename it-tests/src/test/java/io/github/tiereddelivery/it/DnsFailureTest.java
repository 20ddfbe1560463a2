package io.github.tiereddelivery.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.github.tiereddelivery.it.support.DeliveryScenario;
import io.github.tiereddelivery.it.support.DeliveryStatusNotification;
import io.github.tiereddelivery.it.support.DnsZone;

/**
 * A temporary DNS failure (SERVFAIL) defers, never bounces (stock RemoteDelivery can bounce at once); a name that
 * does not exist bounces after maxDnsProblemRetries (0 here).
 */
class DnsFailureTest {
    private static final Duration DELAY = Duration.ofSeconds(2);

    @RegisterExtension
    static final DeliveryScenario scenario = DeliveryScenario.builder()
        .server("mail", "127.0.0.2")
        .dns(zone -> records(zone, false))
        .route("<route domain=\"acme.test\"><host>mail.broken.test</host></route>")
        .route("<route domain=\"ghost.test\"><host>mail.ghost.test</host></route>")
        .mailetParameter("delayTime", DELAY.toSeconds() + " seconds")
        .mailetParameter("maxRetries", "10")
        .build();

    private static void records(DnsZone.Builder zone, boolean repaired) {
        if (repaired) {
            zone.a("mail.broken.test", "127.0.0.2");
        } else {
            zone.servfail("broken.test");
        }
    }

    @Test
    void aServfailKeepsTheMailQueuedUntilTheDnsAnswersAgain() throws Exception {
        String sent = scenario.send("user@acme.test");

        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> scenario.outgoingQueueSize() == 1);
        Thread.sleep(DELAY.multipliedBy(2).toMillis());
        assertThat(scenario.outgoingQueueSize()).isEqualTo(1);
        assertThat(scenario.bounces()).isEmpty();

        DnsZone.Builder repaired = DnsZone.builder();
        records(repaired, true);
        scenario.dns().reload(repaired.build());

        scenario.awaitDelivered(1, Duration.ofSeconds(60), "mail");
        assertThat(scenario.receivedMessageIds("mail")).containsExactly(sent);
        assertThat(scenario.bounces()).isEmpty();
    }

    @Test
    void aServerNameThatDoesNotExistBouncesWithStatus544() throws Exception {
        scenario.send("user@ghost.test");

        scenario.awaitBounces(1, Duration.ofSeconds(60));

        DeliveryStatusNotification dsn = DeliveryStatusNotification.parse(scenario.bounces().get(0));
        assertThat(dsn.field("user@ghost.test", "Status")).contains("5.4.4");
        assertThat(dsn.field("user@ghost.test", "Diagnostic-Code")).hasValueSatisfying(code ->
            assertThat(code).contains("mail.ghost.test: no such host"));
    }
}
