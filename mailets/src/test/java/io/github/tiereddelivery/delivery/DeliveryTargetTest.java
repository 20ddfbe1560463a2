package io.github.tiereddelivery.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.github.tiereddelivery.routes.Destination;
import io.github.tiereddelivery.routes.HostSpec;
import io.github.tiereddelivery.routes.Route;
import io.github.tiereddelivery.routes.RouteKey;

/** The key of a target names the parts of a split mail and the metrics: lower case, safe in mail and file names. */
class DeliveryTargetTest {

    private static String keyOf(RouteKey key) {
        return DeliveryTarget.Routed.fromFile(Route.of(key,
            new Destination.Hosts(List.of(HostSpec.parse("[192.0.2.1]", 10, 1))))).key();
    }

    @Test
    void theMxOfADomainIsKeyedByTheDomainInLowerCase() {
        assertThat(new DeliveryTarget.DomainMx("Acme.TEST").key()).isEqualTo("acme.test");
    }

    @Test
    void aDomainRouteIsKeyedByItsDomain() {
        assertThat(keyOf(RouteKey.ofDomain("acme-1.test"))).isEqualTo("acme-1.test");
    }

    @Test
    void aSuffixRouteIsKeyedAsAny() {
        assertThat(keyOf(RouteKey.ofDomain("*.acme.test"))).isEqualTo("any.acme.test");
    }

    @Test
    void theDefaultRouteIsKeyedAsDefault() {
        assertThat(keyOf(RouteKey.ofDomain("*"))).isEqualTo("default");
    }

    @Test
    void aRecipientRouteKeepsTheAtSignAndReplacesWhatIsUnsafeInNamesByUnderscores() {
        assertThat(keyOf(RouteKey.ofRecipient("John+Doe/x@acme.test"))).isEqualTo("john_doe_x@acme.test");
    }
}
