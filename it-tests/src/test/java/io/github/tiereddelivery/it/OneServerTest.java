package io.github.tiereddelivery.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.github.tiereddelivery.it.support.DeliveryScenario;
import io.github.tiereddelivery.testing.ReceivedMessage;

/** Case 1: a route with one server gets all the mail of its domain. */
class OneServerTest {
    @RegisterExtension
    static final DeliveryScenario scenario = DeliveryScenario.builder()
        .server("mail", "127.0.0.2")
        .dns(zone -> zone.a("mail.acme.test", "127.0.0.2"))
        .route("<route domain=\"acme.test\"><host>mail.acme.test</host></route>")
        .build();

    @Test
    void everyMailArrivesAtTheOneServerExactlyOnceWithItsEnvelope() throws Exception {
        List<String> sent = scenario.send(20, "alice@acme.test", "bob@acme.test");

        scenario.awaitDelivered(20, Duration.ofSeconds(60), "mail");

        assertThat(scenario.receivedMessageIds("mail")).containsExactlyInAnyOrderElementsOf(sent);
        ReceivedMessage first = scenario.server("mail").messages().get(0);
        assertThat(first.sender()).isEqualTo(DeliveryScenario.SENDER);
        assertThat(first.recipients()).containsExactlyInAnyOrder("alice@acme.test", "bob@acme.test");
        assertThat(scenario.bounces()).isEmpty();
    }
}
