package io.github.tiereddelivery.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.james.metrics.tests.RecordingMetricFactory;
import org.junit.jupiter.api.Test;

/** James keeps every metric it was asked for: the names per route and per server are bounded. */
class DeliveryMetricsTest {
    private final RecordingMetricFactory factory = new RecordingMetricFactory();
    private final DeliveryMetrics metrics = new DeliveryMetrics(factory);

    private static DeliveryTarget domain(int index) {
        return new DeliveryTarget.DomainMx("d" + index + ".test");
    }

    @Test
    void aRouteGetsMetricsOfItsOwnName() {
        metrics.deferred(domain(1), 2);

        assertThat(factory.countFor("tieredDelivery.deferred.route.d1.test")).isEqualTo(2);
    }

    @Test
    void routesBeyondTheFirstHundredAreCountedTogetherUnderOther() {
        for (int i = 0; i < DeliveryMetrics.NAMED_ROUTES; i++) {
            metrics.bounced(domain(i), 1);
        }

        metrics.bounced(domain(1000), 1);
        metrics.bounced(domain(1001), 1);
        metrics.bounced(domain(5), 1);

        assertThat(factory.countFor("tieredDelivery.bounced.route.other")).isEqualTo(2);
        assertThat(factory.countFor("tieredDelivery.bounced.route.d5.test")).isEqualTo(2);
        assertThat(factory.countFor("tieredDelivery.bounced.route.d1000.test")).isZero();
    }
}
