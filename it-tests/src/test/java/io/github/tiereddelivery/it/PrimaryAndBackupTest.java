package io.github.tiereddelivery.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.github.tiereddelivery.it.support.DeliveryScenario;
import io.github.tiereddelivery.testing.Behaviour;

/**
 * Case 2: a primary (preference 10) and a backup (20). The retry delay is an hour, so mail that reaches the backup
 * within the test's timeout went there in its first attempt.
 */
class PrimaryAndBackupTest {
    @RegisterExtension
    static final DeliveryScenario scenario = DeliveryScenario.builder()
        .server("primary", "127.0.0.2")
        .server("backup", "127.0.0.3")
        .dns(zone -> zone.a("primary.acme.test", "127.0.0.2").a("backup.acme.test", "127.0.0.3"))
        .route("<route domain=\"acme.test\">"
            + "<host preference=\"10\">primary.acme.test</host>"
            + "<host preference=\"20\">backup.acme.test</host>"
            + "</route>")
        .build();

    @Test
    void allMailGoesToThePrimaryWhileItIsUp() throws Exception {
        List<String> sent = scenario.send(20, "alice@acme.test");

        scenario.awaitDelivered(20, Duration.ofSeconds(60), "primary", "backup");

        assertThat(scenario.receivedMessageIds("primary")).containsExactlyInAnyOrderElementsOf(sent);
        assertThat(scenario.server("backup").messageCount()).isZero();
    }

    @Test
    void whenThePrimaryRefusesConnectionsAllMailGoesToTheBackupAtOnce() throws Exception {
        scenario.server("primary").stop();

        List<String> sent = scenario.send(20, "alice@acme.test");

        scenario.awaitDelivered(20, Duration.ofSeconds(60), "backup");
        assertThat(scenario.receivedMessageIds("backup")).containsExactlyInAnyOrderElementsOf(sent);
    }

    @Test
    void whenThePrimaryNeverGreetsAllMailGoesToTheBackupAfterTheTimeout() throws Exception {
        scenario.server("primary").behave(Behaviour.builder().neverGreet().build());

        List<String> sent = scenario.send(5, "alice@acme.test");

        scenario.awaitDelivered(5, Duration.ofSeconds(60), "backup");
        assertThat(scenario.receivedMessageIds("backup")).containsExactlyInAnyOrderElementsOf(sent);
        assertThat(scenario.server("primary").messageCount()).isZero();
    }

    @Test
    void aSilentPrimaryCostsTheTimeoutOnceAndIsThenTriedLastWhileItIsRemembered() throws Exception {
        scenario.server("primary").behave(Behaviour.builder().neverGreet().build());

        List<String> sent = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            sent.add(scenario.send("alice@acme.test"));
            scenario.awaitDelivered(i + 1, Duration.ofSeconds(60), "backup");
        }

        assertThat(scenario.receivedMessageIds("backup")).containsExactlyElementsOf(sent);
        assertThat(scenario.server("primary").connectionCount()).isEqualTo(1);
    }

    @Test
    void whenThePrimaryAnswers421AllMailGoesToTheBackup() throws Exception {
        scenario.server("primary").behave(Behaviour.builder()
            .greeting("421 4.3.2 Service not available, closing transmission channel").build());

        List<String> sent = scenario.send(5, "alice@acme.test");

        scenario.awaitDelivered(5, Duration.ofSeconds(60), "backup");
        assertThat(scenario.receivedMessageIds("backup")).containsExactlyInAnyOrderElementsOf(sent);
    }
}
