package io.github.tiereddelivery.routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.apache.james.core.MailAddress;
import org.junit.jupiter.api.Test;

class RouteTableTest {
    private static final Route IT_AT_ACME = route(new RouteKey.Recipient("it@acme.test"), "it.acme.test");
    private static final Route ACME = route(new RouteKey.Domain("acme.test"), "mail.acme.test");
    private static final Route ANY_ACME = route(new RouteKey.Suffix("acme.test"), "sub.acme.test");
    private static final Route ANY_EU_ACME = route(new RouteKey.Suffix("eu.acme.test"), "eu.acme.test");
    private static final Route DEFAULT = route(new RouteKey.Default(), "smarthost.example.net");
    private static final RouteTable ALL = RouteTable.of(List.of(IT_AT_ACME, ACME, ANY_ACME, ANY_EU_ACME, DEFAULT));

    @Test
    void recipientRouteBeatsDomainRoute() {
        assertThat(ALL.routeFor("it@acme.test")).contains(IT_AT_ACME);
    }

    @Test
    void domainRouteBeatsSuffixRoute() {
        RouteTable table = RouteTable.of(List.of(route(new RouteKey.Suffix("test"), "x.test"), ACME));

        assertThat(table.routeFor("sales@acme.test")).contains(ACME);
    }

    @Test
    void suffixRouteBeatsDefaultRoute() {
        assertThat(ALL.routeFor("sales@shop.acme.test")).contains(ANY_ACME);
    }

    @Test
    void longestSuffixWins() {
        assertThat(ALL.routeFor("sales@paris.eu.acme.test")).contains(ANY_EU_ACME);
    }

    @Test
    void suffixMatchesSubdomainsAtAnyDepth() {
        RouteTable table = RouteTable.of(List.of(ANY_ACME));

        assertThat(table.routeFor("a@x.y.z.acme.test")).contains(ANY_ACME);
    }

    @Test
    void suffixDoesNotMatchItsParent() {
        RouteTable table = RouteTable.of(List.of(ANY_ACME));

        assertThat(table.routeFor("sales@acme.test")).isEmpty();
    }

    @Test
    void domainRouteDoesNotMatchSubdomains() {
        RouteTable table = RouteTable.of(List.of(ACME));

        assertThat(table.routeFor("sales@shop.acme.test")).isEmpty();
    }

    @Test
    void recipientRouteDoesNotMatchOtherAddressesOfItsDomain() {
        RouteTable table = RouteTable.of(List.of(IT_AT_ACME));

        assertThat(table.routeFor("sales@acme.test")).isEmpty();
    }

    @Test
    void defaultRouteMatchesDomainsWithoutRoute() {
        assertThat(ALL.routeFor("someone@globex.test")).contains(DEFAULT);
    }

    @Test
    void noMatchingRouteGivesEmptyForRfc5321Delivery() {
        RouteTable table = RouteTable.of(List.of(IT_AT_ACME, ACME, ANY_ACME));

        assertThat(table.routeFor("someone@globex.test")).isEmpty();
    }

    @Test
    void emptyTableHasNoRouteForAnyone() {
        assertThat(RouteTable.empty().routes()).isEmpty();
        assertThat(RouteTable.empty().routeFor("it@acme.test")).isEmpty();
    }

    @Test
    void domainsCompareCaseInsensitively() {
        assertThat(ALL.routeFor("sales@ACME.Test")).contains(ACME);
        assertThat(ALL.routeFor("sales@Shop.ACME.test")).contains(ANY_ACME);
    }

    @Test
    void recipientAddressesCompareCaseInsensitively() {
        assertThat(ALL.routeFor("IT@Acme.TEST")).contains(IT_AT_ACME);
    }

    @Test
    void routeWrittenInULabelsMatchesRecipientInALabels() {
        Route buecher = route(new RouteKey.Domain("bücher.test"), "mail.acme.test");

        assertThat(RouteTable.of(List.of(buecher)).routeFor("info@xn--bcher-kva.test")).contains(buecher);
    }

    @Test
    void routeWrittenInALabelsMatchesRecipientInULabels() {
        Route buecher = route(new RouteKey.Domain("xn--bcher-kva.test"), "mail.acme.test");

        assertThat(RouteTable.of(List.of(buecher)).routeFor("info@BÜCHER.test")).contains(buecher);
    }

    @Test
    void suffixRouteMatchesInternationalizedSubdomains() {
        Route anyBuecher = route(new RouteKey.Suffix("bücher.test"), "mail.acme.test");

        assertThat(RouteTable.of(List.of(anyBuecher)).routeFor("info@läden.bücher.test")).contains(anyBuecher);
    }

    @Test
    void recipientRouteInULabelsMatchesRecipientInALabels() {
        Route info = route(new RouteKey.Recipient("Info@bücher.test"), "mail.acme.test");

        assertThat(RouteTable.of(List.of(info)).routeFor("info@xn--bcher-kva.test")).contains(info);
    }

    @Test
    void jamesMailAddressIsLookedUpLikeItsText() throws Exception {
        assertThat(ALL.routeFor(new MailAddress("IT@ACME.test"))).contains(IT_AT_ACME);
        assertThat(ALL.routeFor(new MailAddress("sales@paris.eu.acme.test"))).contains(ANY_EU_ACME);
    }

    @Test
    void addressLiteralRecipientGetsOnlyTheDefaultRoute() throws Exception {
        assertThat(ALL.routeFor(new MailAddress("it@[192.0.2.1]"))).contains(DEFAULT);
    }

    @Test
    void recipientWithoutAtIsRefused() {
        assertThatThrownBy(() -> ALL.routeFor("acme.test"))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("has no @");
    }

    @Test
    void routesAreKeptInTheGivenOrder() {
        assertThat(ALL.routes()).containsExactly(IT_AT_ACME, ACME, ANY_ACME, ANY_EU_ACME, DEFAULT);
    }

    @Test
    void findGivesTheRouteOfExactlyThatKey() {
        assertThat(ALL.find(new RouteKey.Domain("ACME.test"))).contains(ACME);
        assertThat(ALL.find(new RouteKey.Suffix("eu.acme.test"))).contains(ANY_EU_ACME);
        assertThat(ALL.find(new RouteKey.Default())).contains(DEFAULT);
        assertThat(ALL.find(new RouteKey.Domain("shop.acme.test"))).isEmpty();
    }

    @Test
    void twoRoutesWithTheSameKeyAreRefused() {
        Route again = route(new RouteKey.Domain("Acme.Test"), "other.acme.test");

        assertThatThrownBy(() -> RouteTable.of(List.of(ACME, again)))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessage("two routes for acme.test: route acme.test and route acme.test; keep one");
    }

    @Test
    void twoDefaultRoutesAreRefused() {
        assertThatThrownBy(() -> RouteTable.of(List.of(DEFAULT, DEFAULT)))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageStartingWith("two routes for *");
    }

    private static Route route(RouteKey key, String host) {
        return Route.of(key, new Destination.MxOf(host));
    }
}
