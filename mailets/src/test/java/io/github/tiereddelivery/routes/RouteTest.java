package io.github.tiereddelivery.routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import java.util.OptionalInt;

import org.junit.jupiter.api.Test;

class RouteTest {
    private static final Destination MX = new Destination.MxOf("delivery.initech.test");

    @Test
    void describeNamesTheKeyAndLine() {
        Route route = new Route(new RouteKey.Suffix("initech.test"), MX, Balancing.RANDOM, OptionalInt.empty(),
            Optional.empty(), Optional.empty(), 12);

        assertThat(route.describe()).isEqualTo("route *.initech.test (line 12)");
    }

    @Test
    void describeOfARouteNotFromAFileHasNoLine() {
        assertThat(Route.of(new RouteKey.Default(), MX).describe()).isEqualTo("route *");
    }

    @Test
    void routesWithTheSameContentAreEqual() {
        assertThat(Route.of(new RouteKey.Domain("ACME.test"), MX))
            .isEqualTo(Route.of(new RouteKey.Domain("acme.test"), MX))
            .hasSameHashCodeAs(Route.of(new RouteKey.Domain("acme.test"), MX));
    }

    @Test
    void portOutOfRangeIsRefused() {
        assertThatThrownBy(() -> new Route(new RouteKey.Default(), MX, Balancing.RANDOM, OptionalInt.of(65536),
            Optional.empty(), Optional.empty(), 0)).hasMessageStartingWith("port must be a whole number from 1 to 65535");
    }
}
