package io.github.tiereddelivery.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.github.tiereddelivery.it.support.DeliveryScenario;
import io.github.tiereddelivery.testing.Behaviour;

/**
 * Stock's {@code gateway} parameter with {@code loadBalancing=false}: mail without a route goes to the gateways in the
 * order given (the next one only when the first fails), with {@code gatewayUsername}/{@code gatewayPassword} for
 * SMTP AUTH as JavaMail uses them; a route still takes its own mail.
 */
class GatewayTest {
    private static final String[] ALL = {"gateway-1", "gateway-2", "routed"};

    @RegisterExtension
    static final DeliveryScenario scenario = DeliveryScenario.builder()
        .server("gateway-1", "127.0.0.2")
        .server("gateway-2", "127.0.0.3")
        .server("routed", "127.0.0.4")
        .route("<route domain=\"routed.test\"><host>[127.0.0.4]</host></route>")
        .mailetParameter("gateway", "127.0.0.2, 127.0.0.3")
        .mailetParameter("loadBalancing", "false")
        .mailetParameter("gatewayUsername", "smarthost-user")
        .mailetParameter("gatewayPassword", "smarthost-secret")
        .build();

    @Test
    void mailWithoutARouteGoesToTheFirstGateway() throws Exception {
        List<String> sent = scenario.send(10, "user@anywhere.test");

        scenario.awaitDelivered(10, Duration.ofSeconds(60), ALL);

        assertThat(scenario.receivedMessageIds("gateway-1")).containsExactlyInAnyOrderElementsOf(sent);
    }

    @Test
    void theSecondGatewayTakesTheMailWhenTheFirstIsDown() throws Exception {
        scenario.server("gateway-1").stop();

        List<String> sent = scenario.send(5, "user@anywhere.test");

        scenario.awaitDelivered(5, Duration.ofSeconds(60), ALL);
        assertThat(scenario.receivedMessageIds("gateway-2")).containsExactlyInAnyOrderElementsOf(sent);
    }

    @Test
    void aGatewayThatAsksForAuthenticationGetsTheGatewayCredentials() throws Exception {
        scenario.server("gateway-1").behave(Behaviour.builder().requireAuth("smarthost-user", "smarthost-secret").build());

        String sent = scenario.send("user@anywhere.test");

        scenario.awaitDelivered(1, Duration.ofSeconds(60), ALL);
        assertThat(scenario.receivedMessageIds("gateway-1")).containsExactly(sent);
        assertThat(scenario.server("gateway-1").commandLines()).anyMatch(line -> line.toUpperCase().startsWith("AUTH"));
    }

    @Test
    void aRoutedDomainIsNotSentToTheGateway() throws Exception {
        String sent = scenario.send("user@routed.test");

        scenario.awaitDelivered(1, Duration.ofSeconds(60), ALL);

        assertThat(scenario.receivedMessageIds("routed")).containsExactly(sent);
    }
}
