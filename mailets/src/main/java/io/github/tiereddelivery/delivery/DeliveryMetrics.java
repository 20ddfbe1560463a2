package io.github.tiereddelivery.delivery;

import java.util.Locale;

import org.apache.james.metrics.api.MetricFactory;
import org.apache.james.metrics.api.TimeMetric;

import com.google.common.net.InetAddresses;

/**
 * Counters and a timer through James' MetricFactory (WebAdmin {@code /metrics} when enabled), per route and per
 * server: recipients delivered, deferred, bounced; fail-overs (delivered by a later tier than the first); the time of
 * one delivery attempt.
 */
public class DeliveryMetrics {
    private static final String PREFIX = "tieredDelivery";

    private final MetricFactory metrics;

    public DeliveryMetrics(MetricFactory metrics) {
        this.metrics = metrics;
    }

    public TimeMetric startAttempt(RoutePlan plan) {
        return metrics.timer(PREFIX + ".latency.route." + route(plan));
    }

    public void delivered(RoutePlan plan, Server server, int tierIndex, int recipients) {
        metrics.generate(PREFIX + ".delivered.route." + route(plan)).add(recipients);
        metrics.generate(PREFIX + ".delivered.server." + server(server)).add(recipients);
        if (tierIndex > 0) {
            metrics.generate(PREFIX + ".failover.route." + route(plan)).add(recipients);
        }
    }

    public void deferred(DeliveryTarget target, int recipients) {
        metrics.generate(PREFIX + ".deferred.route." + target.key()).add(recipients);
    }

    public void bounced(DeliveryTarget target, int recipients) {
        metrics.generate(PREFIX + ".bounced.route." + target.key()).add(recipients);
    }

    /** A server that failed at connection or session level. */
    public void serverFailed(Server server) {
        metrics.generate(PREFIX + ".failed.server." + server(server)).increment();
    }

    private static String route(RoutePlan plan) {
        return plan.target().key();
    }

    private static String server(Server server) {
        return (InetAddresses.toAddrString(server.address().getAddress()) + "_" + server.address().getPort())
            .toLowerCase(Locale.ROOT).replace(':', '_');
    }
}
