package io.github.tiereddelivery.bench;

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

import io.github.tiereddelivery.routes.Route;
import io.github.tiereddelivery.routes.RouteTable;

/** The route of one recipient in a table of 100 000 routes (RouteTable.routeFor: SPEC's precedence). */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
public class RouteLookupBenchmark {
    @Param("100000")
    int routes;

    private RouteTable table;
    private MailAddress[] domain;
    private MailAddress[] suffix;
    private MailAddress[] recipient;
    private MailAddress[] unrouted;

    @Setup
    public void setUp() {
        RoutesFixture fixture = RoutesFixture.of(routes);
        table = fixture.table();
        domain = fixture.domainRecipients(1);
        suffix = fixture.suffixRecipients(2);
        recipient = fixture.routedRecipients(3);
        unrouted = fixture.unroutedRecipients(4);
    }

    @Benchmark
    public Optional<Route> domainRoute(Cursor cursor) {
        return table.routeFor(domain[cursor.next()]);
    }

    @Benchmark
    public Optional<Route> suffixRouteThreeLabelsDown(Cursor cursor) {
        return table.routeFor(suffix[cursor.next()]);
    }

    @Benchmark
    public Optional<Route> recipientRoute(Cursor cursor) {
        return table.routeFor(recipient[cursor.next()]);
    }

    @Benchmark
    public Optional<Route> noRoute(Cursor cursor) {
        return table.routeFor(unrouted[cursor.next()]);
    }
}
