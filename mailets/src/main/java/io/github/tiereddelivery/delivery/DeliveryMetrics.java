package io.github.tiereddelivery.delivery;

import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.james.metrics.api.MetricFactory;
import org.apache.james.metrics.api.TimeMetric;

import com.google.common.net.InetAddresses;

/**
 * Counters and a timer through James' MetricFactory (WebAdmin {@code /metrics} when enabled), per route and per
 * server: recipients delivered, deferred, bounced; fail-overs (delivered by a later tier than the first); the time of
 * one delivery attempt.
 *
 * <p>James keeps every metric it was ever asked for, and a Dropwizard meter costs about 35 KB, a timer 75 KB (their
 * moving averages): one name per route for 100 000 routes, or per recipient domain without a route, filled a 6 GB heap.
 * So the first {@value #NAMED_ROUTES} routes and {@value #NAMED_SERVERS} servers seen since start get names of their
 * own, and the others are counted together under {@code other}: at most about 30 MB, whatever the traffic.
 */
public class DeliveryMetrics {
    static final int NAMED_ROUTES = 100;
    static final int NAMED_SERVERS = 100;
    static final String OTHER = "other";
    private static final String PREFIX = "tieredDelivery";

    private final MetricFactory metrics;
    private final Set<String> namedRoutes = ConcurrentHashMap.newKeySet();
    private final Set<String> namedServers = ConcurrentHashMap.newKeySet();

    public DeliveryMetrics(MetricFactory metrics) {
        this.metrics = metrics;
    }

    public TimeMetric startAttempt(RoutePlan plan) {
        return metrics.timer(PREFIX + ".latency.route." + route(plan.target()));
    }

    public void delivered(RoutePlan plan, Server server, int tierIndex, int recipients) {
        metrics.generate(PREFIX + ".delivered.route." + route(plan.target())).add(recipients);
        metrics.generate(PREFIX + ".delivered.server." + server(server)).add(recipients);
        if (tierIndex > 0) {
            metrics.generate(PREFIX + ".failover.route." + route(plan.target())).add(recipients);
        }
    }

    public void deferred(DeliveryTarget target, int recipients) {
        metrics.generate(PREFIX + ".deferred.route." + route(target)).add(recipients);
    }

    public void bounced(DeliveryTarget target, int recipients) {
        metrics.generate(PREFIX + ".bounced.route." + route(target)).add(recipients);
    }

    /** A server that failed at connection or session level. */
    public void serverFailed(Server server) {
        metrics.generate(PREFIX + ".failed.server." + server(server)).increment();
    }

    private String route(DeliveryTarget target) {
        return named(namedRoutes, NAMED_ROUTES, target.key());
    }

    private String server(Server server) {
        return named(namedServers, NAMED_SERVERS, (InetAddresses.toAddrString(server.address().getAddress()) + "_"
            + server.address().getPort()).toLowerCase(Locale.ROOT).replace(':', '_'));
    }

    /** The name itself while there is room (a few over the limit when threads race for the last places), else other. */
    private static String named(Set<String> named, int limit, String name) {
        if (named.contains(name)) {
            return name;
        }
        if (named.size() < limit) {
            named.add(name);
            return name;
        }
        return OTHER;
    }
}
