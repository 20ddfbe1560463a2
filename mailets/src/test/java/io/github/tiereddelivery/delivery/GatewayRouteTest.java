package io.github.tiereddelivery.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.OptionalInt;

import org.apache.mailet.base.test.FakeMailetConfig;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.Test;

import io.github.tiereddelivery.routes.Destination;
import io.github.tiereddelivery.routes.HostSpec;
import io.github.tiereddelivery.routes.RouteKey;
import io.github.tiereddelivery.smtp.Credentials;

/** Stock's gateway parameters as the route of every recipient without a route of its own. */
class GatewayRouteTest {

    private static DeliveryConfiguration configuration(String... parameters) throws Exception {
        FakeMailetConfig.Builder config = FakeMailetConfig.builder().mailetName("TieredRemoteDelivery");
        for (int i = 0; i < parameters.length; i += 2) {
            config.setProperty(parameters[i], parameters[i + 1]);
        }
        return DeliveryConfiguration.from(config.build());
    }

    private static List<HostSpec> hosts(DeliveryConfiguration configuration) throws Exception {
        return ((Destination.Hosts) GatewayRoute.from(configuration).orElseThrow().destination()).hosts();
    }

    @Test
    void withoutGatewayThereIsNoGatewayRoute() throws Exception {
        assertThat(GatewayRoute.from(configuration())).isEmpty();
    }

    @Test
    void theGatewayRouteIsTheDefaultRoute() throws Exception {
        assertThat(GatewayRoute.from(configuration("gateway", "smarthost.test")).orElseThrow().key()).isEqualTo(new RouteKey.Default());
    }

    @Test
    void withLoadBalancingTheGatewaysShareOneTier() throws Exception {
        assertThat(hosts(configuration("gateway", "a.test, b.test, c.test")))
            .extracting(HostSpec::preference).containsExactly(10, 10, 10);
    }

    @Test
    void withoutLoadBalancingEachGatewayIsATierInTheOrderGiven() throws Exception {
        assertThat(hosts(configuration("gateway", "a.test, b.test, c.test", "loadBalancing", "false")))
            .extracting(HostSpec::host, HostSpec::preference)
            .containsExactly(Tuple.tuple("a.test", 10), Tuple.tuple("b.test", 20),
                Tuple.tuple("c.test", 30));
    }

    @Test
    void gatewayPortAppliesToTheEntriesWithoutAPortOfTheirOwn() throws Exception {
        assertThat(hosts(configuration("gateway", "a.test, b.test:2525, 192.0.2.7", "gatewayPort", "587")))
            .extracting(HostSpec::port)
            .containsExactly(OptionalInt.of(587), OptionalInt.of(2525), OptionalInt.of(587));
    }

    @Test
    void anIpAddressGatewayIsAnIpLiteralAskedFromNoDns() throws Exception {
        assertThat(hosts(configuration("gateway", "192.0.2.7"))).singleElement()
            .satisfies(host -> assertThat(host.isIpLiteral()).isTrue());
    }

    @Test
    void gatewayUsernameAndPasswordAreTheGatewayCredentials() throws Exception {
        assertThat(GatewayRoute.credentials(configuration("gateway", "a.test", "gatewayUsername", "relay", "gatewayPassword", "pw")))
            .contains(new Credentials("relay", "pw"));
    }

    @Test
    void stocksLowerCaseGatewayusernameIsReadToo() throws Exception {
        assertThat(GatewayRoute.credentials(configuration("gateway", "a.test", "gatewayusername", "relay", "gatewayPassword", "pw")))
            .contains(new Credentials("relay", "pw"));
    }

    @Test
    void anUnreadableGatewayEntryStopsJamesWithTheForm() {
        assertThatThrownBy(() -> GatewayRoute.from(configuration("gateway", "a.test:notaport")))
            .isInstanceOf(InvalidParameterException.class)
            .hasMessageContaining("<gateway>")
            .hasMessageContaining("host[:port]");
    }
}
