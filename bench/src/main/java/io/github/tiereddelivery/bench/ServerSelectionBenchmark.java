package io.github.tiereddelivery.bench;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.apache.james.core.MailAddress;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import io.github.tiereddelivery.delivery.Balancer;
import io.github.tiereddelivery.delivery.Candidate;
import io.github.tiereddelivery.delivery.DeliveryTarget;
import io.github.tiereddelivery.delivery.Resolution;
import io.github.tiereddelivery.delivery.RoutePlan;
import io.github.tiereddelivery.delivery.RoutePlanner;
import io.github.tiereddelivery.delivery.Router;
import io.github.tiereddelivery.delivery.ServerHealth;
import io.github.tiereddelivery.delivery.ServerSelector;
import io.github.tiereddelivery.dns.InMemoryDns;
import io.github.tiereddelivery.routes.RouteTable;

/**
 * Everything the engine does for a recipient before it connects, with 100 000 routes: its route (Router), the tiers
 * of servers (RoutePlanner; IP literals, or a host name whose DNS answers are still valid) and the order in which to try
 * them (ServerSelector: balancing, health memory).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
public class ServerSelectionBenchmark {
    @Param("100000")
    int routes;

    private Router router;
    private RoutePlanner planner;
    private ServerSelector selector;
    private MailAddress[] domain;
    private MailAddress[] suffix;
    private DeliveryTarget[] targets;
    private RoutePlan[] plans;

    @Setup
    public void setUp() {
        RoutesFixture fixture = RoutesFixture.of(routes);
        RouteTable table = fixture.table();
        router = new Router(() -> table, Optional.empty());
        InMemoryDns dns = new InMemoryDns();
        for (int i = 0; i < fixture.suffixCount(); i++) {
            dns.a(RoutesFixture.relay(i), RoutesFixture.relayAddress(i));
        }
        planner = new RoutePlanner(dns.resolver(), 25, route -> Optional.empty());
        ServerHealth health = new ServerHealth();
        selector = new ServerSelector(new Balancer(), health);
        domain = fixture.domainRecipients(1);
        suffix = fixture.suffixRecipients(2);
        for (MailAddress recipient : suffix) {
            // The DNS answers are in the cache, as for any route used within their TTL.
            candidates(recipient);
        }
        targets = new DeliveryTarget[RoutesFixture.RECIPIENTS];
        plans = new RoutePlan[RoutesFixture.RECIPIENTS];
        for (int i = 0; i < RoutesFixture.RECIPIENTS; i++) {
            targets[i] = router.targetFor(domain[i]);
            plans[i] = ((Resolution.Planned) planner.plan(targets[i])).plan();
        }
    }

    private List<Candidate> candidates(MailAddress recipient) {
        DeliveryTarget target = router.targetFor(recipient);
        Resolution resolution = planner.plan(target);
        return selector.candidates(((Resolution.Planned) resolution).plan());
    }

    /** Two balanced servers and a backup, IP literals: no DNS at all. */
    @Benchmark
    public List<Candidate> domainRouteOfIpLiterals(Cursor cursor) {
        return candidates(domain[cursor.next()]);
    }

    /**
     * A suffix route naming a host whose A record (and empty AAAA answer) were asked once: its plan is kept until the
     * first of those answers expires (one hour here), as any route used within its TTLs.
     */
    @Benchmark
    public List<Candidate> suffixRouteOfAHostNameInTheDnsCache(Cursor cursor) {
        return candidates(suffix[cursor.next()]);
    }

    /** The three steps of {@link #domainRouteOfIpLiterals}, one at a time. */
    @Benchmark
    public DeliveryTarget stepOneTheRoute(Cursor cursor) {
        return router.targetFor(domain[cursor.next()]);
    }

    @Benchmark
    public Resolution stepTwoTheTiers(Cursor cursor) {
        return planner.plan(targets[cursor.next()]);
    }

    @Benchmark
    public List<Candidate> stepThreeTheOrder(Cursor cursor) {
        return selector.candidates(plans[cursor.next()]);
    }
}
