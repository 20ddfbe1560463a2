package io.github.tiereddelivery.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Type;

import io.github.tiereddelivery.dns.ScriptedResolver;
import io.github.tiereddelivery.routes.Destination;
import io.github.tiereddelivery.routes.HostSpec;
import io.github.tiereddelivery.routes.Route;
import io.github.tiereddelivery.routes.RouteKey;

/**
 * A plan made from DNS answers is kept, not made again per message, until the first of those answers expires (RFC 1035
 * TTLs): the resolver's clock is moved by hand here.
 */
class RoutePlannerKeepsPlansTest {
    private final AtomicLong clock = new AtomicLong();
    private final ScriptedResolver server = new ScriptedResolver();
    private final RoutePlanner planner = new RoutePlanner(server.resolver(clock::get), 25, route -> Optional.empty());

    private static Name name(String text) throws Exception {
        return Name.fromString(text);
    }

    private static ARecord a(String owner, String address, long ttl) throws Exception {
        return new ARecord(name(owner), DClass.IN, ttl, InetAddress.getByName(address));
    }

    private void noIpv6(String host) throws Exception {
        server.noData(host, Type.AAAA, new SOARecord(name(host), DClass.IN, 3600, name("ns.test."), name("admin.test."),
            1, 3600, 600, 86400, 3600));
    }

    private void passSeconds(long seconds) {
        clock.addAndGet(TimeUnit.SECONDS.toNanos(seconds));
    }

    private static DeliveryTarget hostRoute(String... hosts) {
        List<HostSpec> specs = Arrays.stream(hosts).map(host -> HostSpec.parse(host, 10, 1)).toList();
        return DeliveryTarget.Routed.fromFile(Route.of(RouteKey.ofDomain("acme.test"), new Destination.Hosts(specs)));
    }

    /** A route naming mail.acme.test, whose A record lives 60 s (no AAAA record, for an hour). */
    private DeliveryTarget routeOfAHostWhoseAddressLivesOneMinute() throws Exception {
        server.answer("mail.acme.test.", Type.A, Rcode.NOERROR, a("mail.acme.test.", "127.0.0.2", 60));
        noIpv6("mail.acme.test.");
        return hostRoute("mail.acme.test");
    }

    @Test
    void aRouteNamingAHostIsPlannedOnceWhileItsDnsAnswersLast() throws Exception {
        DeliveryTarget target = routeOfAHostWhoseAddressLivesOneMinute();

        Resolution first = planner.plan(target);
        passSeconds(59);
        Resolution second = planner.plan(target);

        assertThat(second).isInstanceOf(Resolution.Planned.class).isSameAs(first);
        assertThat(server.questions()).as("one A and one AAAA question").isEqualTo(2);
    }

    @Test
    void aRouteNamingAHostIsPlannedAgainOnceItsFirstDnsAnswerExpired() throws Exception {
        DeliveryTarget target = routeOfAHostWhoseAddressLivesOneMinute();

        Resolution first = planner.plan(target);
        passSeconds(61);
        Resolution second = planner.plan(target);

        assertThat(second).isNotSameAs(first).isEqualTo(first);
    }

    @Test
    void anMxRouteIsKeptUntilTheSmallestTtlOfItsMxAndAddressAnswers() throws Exception {
        server.answer("relay.test.", Type.MX, Rcode.NOERROR,
            new MXRecord(name("relay.test."), DClass.IN, 3600, 10, name("mx1.relay.test.")));
        server.answer("mx1.relay.test.", Type.A, Rcode.NOERROR, a("mx1.relay.test.", "127.0.0.3", 300));
        noIpv6("mx1.relay.test.");
        DeliveryTarget target = DeliveryTarget.Routed.fromFile(
            Route.of(RouteKey.ofDomain("acme.test"), new Destination.MxOf("relay.test")));

        Resolution first = planner.plan(target);
        passSeconds(299);
        Resolution beforeTheAddressExpired = planner.plan(target);
        passSeconds(2);
        Resolution after = planner.plan(target);

        assertThat(beforeTheAddressExpired).isSameAs(first);
        assertThat(after).isNotSameAs(first);
    }

    @Test
    void theMxOfADomainWithoutRouteIsKeptWhileItsAnswersLast() throws Exception {
        server.answer("plain.test.", Type.MX, Rcode.NOERROR,
            new MXRecord(name("plain.test."), DClass.IN, 600, 10, name("mx.plain.test.")));
        server.answer("mx.plain.test.", Type.A, Rcode.NOERROR, a("mx.plain.test.", "127.0.0.4", 600));
        noIpv6("mx.plain.test.");

        Resolution first = planner.plan(new DeliveryTarget.DomainMx("plain.test"));
        Resolution second = planner.plan(new DeliveryTarget.DomainMx("plain.test"));

        assertThat(second).isInstanceOf(Resolution.Planned.class).isSameAs(first);
    }

    @Test
    void aPlanThatFoundServersDespiteATemporaryDnsFailureIsKeptThirtySecondsThenMadeAgain() throws Exception {
        server.answer("mail.acme.test.", Type.A, Rcode.NOERROR, a("mail.acme.test.", "127.0.0.2", 600));
        noIpv6("mail.acme.test.");
        server.answer("flaky.acme.test.", Type.A, Rcode.SERVFAIL);
        server.answer("flaky.acme.test.", Type.AAAA, Rcode.SERVFAIL);
        DeliveryTarget target = hostRoute("mail.acme.test", "flaky.acme.test");

        Resolution first = planner.plan(target);
        passSeconds(29);
        Resolution second = planner.plan(target);
        passSeconds(2);
        Resolution third = planner.plan(target);

        assertThat(((Resolution.Planned) first).unresolved()).isNotEmpty();
        assertThat(second).isSameAs(first);
        assertThat(third).isNotSameAs(first);
    }

    @Test
    void aPlanWithoutServersBecauseOfATemporaryDnsFailureIsMadeAgainForTheNextMessage() throws Exception {
        server.answer("flaky.acme.test.", Type.A, Rcode.SERVFAIL);
        server.answer("flaky.acme.test.", Type.AAAA, Rcode.SERVFAIL);
        DeliveryTarget target = hostRoute("flaky.acme.test");

        planner.plan(target);
        int asked = server.questions();
        Resolution second = planner.plan(target);

        assertThat(second).isInstanceOfSatisfying(Resolution.Unresolvable.class,
            unresolvable -> assertThat(unresolvable.consequence()).isEqualTo(Resolution.Consequence.DEFER));
        assertThat(server.questions()).isGreaterThan(asked);
    }

    @Test
    void aMessageWhosePlanAnotherMessageIsMakingSharesItWhenItComesSoon() throws Exception {
        CountDownLatch released = new CountDownLatch(1);
        DeliveryTarget target = routeOfAHostWhoseDnsAnswersWhen(released);
        CompletableFuture<Resolution> first = CompletableFuture.supplyAsync(() -> planner.plan(target));
        awaitQuestions(1);

        CompletableFuture<Resolution> second = CompletableFuture.supplyAsync(() -> planner.plan(target));
        Thread.sleep(100);
        released.countDown();

        assertThat(second.get(5, TimeUnit.SECONDS)).isSameAs(first.get(5, TimeUnit.SECONDS));
        assertThat(server.questions()).isEqualTo(2);
    }

    @Test
    void aMessageWhosePlanIsSlowInTheMakingForAnotherMessageWaitsInTheQueueInstead() throws Exception {
        CountDownLatch released = new CountDownLatch(1);
        DeliveryTarget target = routeOfAHostWhoseDnsAnswersWhen(released);
        CompletableFuture<Resolution> first = CompletableFuture.supplyAsync(() -> planner.plan(target));
        awaitQuestions(1);

        try {
            Resolution second = planner.plan(target);

            assertThat(second).isInstanceOfSatisfying(Resolution.Unresolvable.class, unresolvable -> {
                assertThat(unresolvable.consequence()).isEqualTo(Resolution.Consequence.WAIT);
                assertThat(unresolvable.status().diagnostic()).contains("still under way");
            });
        } finally {
            released.countDown();
        }
        assertThat(first.get(5, TimeUnit.SECONDS)).isInstanceOf(Resolution.Planned.class);
        assertThat(server.questions()).isEqualTo(2);
    }

    /** A route naming mail.acme.test, whose A record comes once {@code released} opens (a slow DNS server). */
    private DeliveryTarget routeOfAHostWhoseDnsAnswersWhen(CountDownLatch released) throws Exception {
        server.slowAnswer("mail.acme.test.", Type.A, released, a("mail.acme.test.", "127.0.0.2", 600));
        noIpv6("mail.acme.test.");
        return hostRoute("mail.acme.test");
    }

    private void awaitQuestions(int count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (server.questions() < count) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the DNS server got " + server.questions() + " questions, expected " + count);
            }
            Thread.sleep(5);
        }
    }
}
