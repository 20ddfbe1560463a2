package io.github.tiereddelivery.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.github.tiereddelivery.it.support.DeliveryScenario;

/** Stock's {@code gateway} list with {@code loadBalancing} left at its default (true): the gateways share the mail. */
class BalancedGatewayTest {

    @RegisterExtension
    static final DeliveryScenario scenario = DeliveryScenario.builder()
        .server("gateway-1", "127.0.0.2")
        .server("gateway-2", "127.0.0.3")
        .mailetParameter("gateway", "127.0.0.2,127.0.0.3")
        .build();

    /** Random balancing over two: one of them gets none of 40 messages once in 5 x 10^11 runs. */
    @Test
    void bothGatewaysReceiveMail() throws Exception {
        List<String> sent = scenario.send(40, "user@anywhere.test");

        scenario.awaitDelivered(40, Duration.ofSeconds(60), "gateway-1", "gateway-2");

        assertThat(scenario.receivedMessageIds("gateway-1", "gateway-2")).containsExactlyInAnyOrderElementsOf(sent);
        assertThat(scenario.server("gateway-1").messageCount()).isPositive();
        assertThat(scenario.server("gateway-2").messageCount()).isPositive();
    }
}
