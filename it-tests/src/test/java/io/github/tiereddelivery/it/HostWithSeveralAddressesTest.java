package io.github.tiereddelivery.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.github.tiereddelivery.it.support.DeliveryScenario;

/** Case 7: one host name with two A records is two servers of the same preference. */
class HostWithSeveralAddressesTest {
    @RegisterExtension
    static final DeliveryScenario scenario = DeliveryScenario.builder()
        .server("first-address", "127.0.0.2")
        .server("second-address", "127.0.0.3")
        .dns(zone -> zone.a("mail.acme.test", "127.0.0.2", "127.0.0.3"))
        .route("<route domain=\"acme.test\"><host>mail.acme.test</host></route>")
        .build();

    @Test
    void bothAddressesOfTheHostReceiveMail() throws Exception {
        List<String> sent = scenario.send(40, "user@acme.test");

        scenario.awaitDelivered(40, Duration.ofSeconds(60), "first-address", "second-address");

        assertThat(scenario.server("first-address").messageCount()).isPositive();
        assertThat(scenario.server("second-address").messageCount()).isPositive();
        assertThat(scenario.receivedMessageIds("first-address", "second-address")).containsExactlyInAnyOrderElementsOf(sent);
    }

    @Test
    void theOtherAddressTakesTheMailWhenOneIsDown() throws Exception {
        scenario.server("first-address").stop();
        try {
            int before = scenario.server("second-address").messageCount();
            scenario.send(10, "user@acme.test");

            scenario.awaitDelivered(before + 10, Duration.ofSeconds(60), "second-address");
        } finally {
            scenario.server("first-address").restart();
        }
    }
}
