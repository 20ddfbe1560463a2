package io.github.tiereddelivery.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import io.github.tiereddelivery.dns.AddressAnswer;
import io.github.tiereddelivery.dns.DnsResolver;
import io.github.tiereddelivery.dns.MxAnswer;
import io.github.tiereddelivery.dns.MxRecord;
import io.github.tiereddelivery.dns.TemporaryDnsFailure;
import io.github.tiereddelivery.dsn.RecipientStatus;
import io.github.tiereddelivery.routes.Balancing;
import io.github.tiereddelivery.routes.Destination;
import io.github.tiereddelivery.routes.HostSpec;
import io.github.tiereddelivery.routes.Route;
import io.github.tiereddelivery.routes.RouteKey;
import io.github.tiereddelivery.routes.TlsPolicy;
import io.github.tiereddelivery.smtp.Credentials;
import io.github.tiereddelivery.testing.LogCapture;

class RoutePlannerTest {
    private final DnsResolver dns = mock(DnsResolver.class);
    private final RoutePlanner planner = new RoutePlanner(dns, 25, route -> Optional.empty());

    private static AddressAnswer addresses(String... ips) throws Exception {
        List<InetAddress> list = new ArrayList<>();
        for (String ip : ips) {
            list.add(InetAddress.getByName(ip));
        }
        return new AddressAnswer.Addresses(list);
    }

    private RoutePlan planned(DeliveryTarget target) {
        Resolution resolution = planner.plan(target);
        assertThat(resolution).isInstanceOf(Resolution.Planned.class);
        return ((Resolution.Planned) resolution).plan();
    }

    @Test
    void mxRecordsBecomeTiersWithTheirPreferences() throws Exception {
        when(dns.mx(eq("acme.test"), any())).thenReturn(new MxAnswer.Exchanges(List.of(new MxRecord(20, "backup.acme.test"), new MxRecord(10, "mx.acme.test"))));
        when(dns.addresses(eq("mx.acme.test"), any())).thenReturn(addresses("127.0.0.2", "127.0.0.3"));
        when(dns.addresses(eq("backup.acme.test"), any())).thenReturn(addresses("127.0.0.4"));

        RoutePlan plan = planned(new DeliveryTarget.DomainMx("acme.test"));

        assertThat(plan.tiers()).extracting(Tier::preference).containsExactly(10, 20);
        assertThat(plan.tiers().get(0).servers()).extracting(Server::hostname).containsExactly("mx.acme.test", "mx.acme.test");
    }

    @Test
    void aDomainWithoutMxIsItsOwnImplicitMx() throws Exception {
        when(dns.mx(eq("plain.test"), any())).thenReturn(new MxAnswer.NoMxRecords());
        when(dns.addresses(eq("plain.test"), any())).thenReturn(addresses("127.0.0.5"));

        RoutePlan plan = planned(new DeliveryTarget.DomainMx("plain.test"));

        assertThat(plan.tiers()).singleElement().satisfies(tier -> assertThat(tier.preference()).isZero());
    }

    @Test
    void anMxPointingToAnIpAddressIsDeferredNotBounced() throws Exception {
        when(dns.mx(eq("broken.test"), any())).thenReturn(new MxAnswer.Exchanges(List.of(new MxRecord(10, "192.0.2.1"))));

        Resolution resolution = planner.plan(new DeliveryTarget.DomainMx("broken.test"));

        assertThat(resolution).isInstanceOfSatisfying(Resolution.Unresolvable.class, unresolvable -> {
            assertThat(unresolvable.consequence()).isEqualTo(Resolution.Consequence.DEFER);
            assertThat(unresolvable.status().diagnostic()).contains("MX record pointing to the IP address 192.0.2.1");
        });
    }

    @Test
    void anMxPointingToAnIpAddressIsSkippedWhenOthersAreValid() throws Exception {
        when(dns.mx(eq("half.test"), any())).thenReturn(new MxAnswer.Exchanges(List.of(new MxRecord(10, "192.0.2.1"), new MxRecord(20, "mx.half.test"))));
        when(dns.addresses(eq("mx.half.test"), any())).thenReturn(addresses("127.0.0.6"));

        assertThat(planned(new DeliveryTarget.DomainMx("half.test")).tiers()).extracting(Tier::preference).containsExactly(20);
    }

    @Test
    void aNullMxBouncesAt5110() throws Exception {
        when(dns.mx(eq("nomail.test"), any())).thenReturn(new MxAnswer.NullMx());

        assertThat(planner.plan(new DeliveryTarget.DomainMx("nomail.test")))
            .isEqualTo(new Resolution.Unresolvable(RecipientStatus.of("5.1.10",
                "nomail.test has a null MX record (RFC 7505): it accepts no mail"), Resolution.Consequence.BOUNCE_NOW));
    }

    @Test
    void addressesThatCanBeNoMailServerAreSkippedAndTheOthersServe() throws Exception {
        when(dns.mx(eq("odd.test"), any())).thenReturn(new MxAnswer.Exchanges(List.of(new MxRecord(10, "mx.odd.test"))));
        when(dns.addresses(eq("mx.odd.test"), any()))
            .thenReturn(addresses("0.0.0.0", "255.255.255.255", "224.0.0.1", "::", "fe80::1", "127.0.0.8"));

        RoutePlan plan = planned(new DeliveryTarget.DomainMx("odd.test"));

        assertThat(plan.tiers().get(0).servers()).extracting(server -> server.address().getAddress().getHostAddress())
            .containsExactly("127.0.0.8");
    }

    @Test
    void aHostWithOnlyAddressesThatCanBeNoMailServerGivesNoServerAndSaysWhy() throws Exception {
        when(dns.mx(eq("zero.test"), any())).thenReturn(new MxAnswer.Exchanges(List.of(new MxRecord(10, "mx.zero.test"))));
        when(dns.addresses(eq("mx.zero.test"), any())).thenReturn(addresses("0.0.0.0"));

        Resolution resolution = planner.plan(new DeliveryTarget.DomainMx("zero.test"));

        assertThat(resolution).isInstanceOfSatisfying(Resolution.Unresolvable.class, unresolvable ->
            assertThat(unresolvable.status().diagnostic()).contains("mx.zero.test: no usable address (0.0.0.0: unspecified"));
    }

    @Test
    void aHostWithoutAddressIsSkippedWhileTheOthersServe() throws Exception {
        Route route = Route.of(RouteKey.ofDomain("acme.test"), new Destination.Hosts(List.of(
            HostSpec.parse("ghost.acme.test", 10, 1), HostSpec.parse("mail.acme.test", 20, 1))));
        when(dns.addresses(eq("ghost.acme.test"), any())).thenReturn(new AddressAnswer.NoSuchHost());
        when(dns.addresses(eq("mail.acme.test"), any())).thenReturn(addresses("127.0.0.7"));

        assertThat(planned(DeliveryTarget.Routed.fromFile(route)).tiers()).extracting(Tier::preference).containsExactly(20);
    }

    @Test
    void aHostSkippedForWantOfAnAddressIsLogged() throws Exception {
        Route route = Route.of(RouteKey.ofDomain("acme.test"), new Destination.Hosts(List.of(
            HostSpec.parse("ghost.acme.test", 10, 1), HostSpec.parse("mail.acme.test", 20, 1))));
        when(dns.addresses(eq("ghost.acme.test"), any())).thenReturn(new AddressAnswer.NoSuchHost());
        when(dns.addresses(eq("mail.acme.test"), any())).thenReturn(addresses("127.0.0.7"));
        List<String> lines;
        try (LogCapture log = LogCapture.of(RoutePlanner.class.getName())) {
            planner.plan(DeliveryTarget.Routed.fromFile(route));
            lines = log.texts();
        }

        assertThat(lines).singleElement().satisfies(line ->
            assertThat(line).contains("route acme.test", "no server from ghost.acme.test: no such host"));
    }

    @Test
    void theNamesThatGaveNoServerAreToldWithTheServersFound() throws Exception {
        Route route = Route.of(RouteKey.ofDomain("acme.test"), new Destination.Hosts(List.of(
            HostSpec.parse("ghost.acme.test", 10, 1), HostSpec.parse("flaky.acme.test", 10, 1), HostSpec.parse("mail.acme.test", 20, 1))));
        when(dns.addresses(eq("ghost.acme.test"), any())).thenReturn(new AddressAnswer.NoSuchHost());
        when(dns.addresses(eq("flaky.acme.test"), any())).thenThrow(new TemporaryDnsFailure("flaky.acme.test", "A", "SERVFAIL"));
        when(dns.addresses(eq("mail.acme.test"), any())).thenReturn(addresses("127.0.0.7"));

        assertThat(planner.plan(DeliveryTarget.Routed.fromFile(route))).isInstanceOfSatisfying(Resolution.Planned.class,
            planned -> assertThat(planned.unresolved()).containsExactly("ghost.acme.test: no such host",
                "temporary DNS failure looking up A of flaky.acme.test: SERVFAIL"));
    }

    @Test
    void aTemporaryFailureOfTheOnlyHostDefers() throws Exception {
        Route route = Route.of(RouteKey.ofDomain("acme.test"), new Destination.Hosts(List.of(HostSpec.parse("mail.acme.test", 10, 1))));
        when(dns.addresses(eq("mail.acme.test"), any())).thenThrow(new TemporaryDnsFailure("mail.acme.test", "A", "SERVFAIL"));

        assertThat(planner.plan(DeliveryTarget.Routed.fromFile(route))).isInstanceOfSatisfying(Resolution.Unresolvable.class,
            unresolvable -> assertThat(unresolvable.consequence()).isEqualTo(Resolution.Consequence.DEFER));
    }

    @Test
    void theRoutePortAppliesToHostsWithoutOneAndToMxDerivedServers() throws Exception {
        Route hosts = new Route(RouteKey.ofDomain("acme.test"), new Destination.Hosts(List.of(HostSpec.parse("[127.0.0.8]", 10, 1),
            HostSpec.parse("[127.0.0.9]:2600", 10, 1))), Balancing.RANDOM, OptionalInt.of(2525),
            Optional.empty(), Optional.empty(), 1);

        assertThat(planned(DeliveryTarget.Routed.fromFile(hosts)).tiers().get(0).servers())
            .extracting(server -> server.address().getPort()).containsExactlyInAnyOrder(2525, 2600);
    }

    @Test
    void aRouteWithCredentialsRequiresTlsUnlessItSaysOtherwise() throws Exception {
        Route route = new Route(RouteKey.ofDomain("acme.test"), new Destination.Hosts(List.of(HostSpec.parse("[127.0.0.8]", 10, 1))),
            Balancing.RANDOM, OptionalInt.empty(), Optional.empty(), Optional.of("acme"), 1);

        assertThat(planned(DeliveryTarget.Routed.fromFile(route)).tls()).contains(TlsPolicy.REQUIRED);
    }

    private static Route literalRoute() {
        return Route.of(RouteKey.ofDomain("acme.test"), new Destination.Hosts(List.of(
            HostSpec.parse("[192.0.2.1]", 10, 1), HostSpec.parse("[192.0.2.2]", 20, 1))));
    }

    @Test
    void aRouteOfIpLiteralsIsPlannedOnceNotForEveryMessage() {
        Route route = literalRoute();

        RoutePlan first = planned(DeliveryTarget.Routed.fromFile(route));
        RoutePlan second = planned(DeliveryTarget.Routed.fromFile(route));

        assertThat(second).isSameAs(first);
        assertThat(second.tiers()).extracting(Tier::preference).containsExactly(10, 20);
    }

    @Test
    void newCredentialsForARouteOfIpLiteralsMakeANewPlan() {
        AtomicReference<Optional<Credentials>> secrets = new AtomicReference<>(Optional.of(new Credentials("acme", "old")));
        RoutePlanner withSecrets = new RoutePlanner(dns, 25, any -> secrets.get());
        Route route = literalRoute();
        DeliveryTarget target = DeliveryTarget.Routed.fromFile(route);
        withSecrets.plan(target);

        secrets.set(Optional.of(new Credentials("acme", "new")));
        Resolution resolution = withSecrets.plan(target);

        assertThat(((Resolution.Planned) resolution).plan().credentials()).contains(new Credentials("acme", "new"));
    }
}
