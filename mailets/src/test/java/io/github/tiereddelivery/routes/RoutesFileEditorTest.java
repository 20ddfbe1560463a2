package io.github.tiereddelivery.routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

import org.junit.jupiter.api.Test;

class RoutesFileEditorTest {
    private static final String FILE = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        + "<!-- the operator's notes -->\n"
        + "<delivery-routes>\n"
        + "    <!-- acme's servers -->\n"
        + "    <route domain=\"acme.test\"><host>[192.0.2.1]</host></route>\n"
        + "    <route domain=\"globex.test\" mx=\"delivery.globex.test\"/>\n"
        + "</delivery-routes>\n";

    private static RouteTable parse(String xml) throws Exception {
        return new RoutesFileParser().parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)), "delivery-routes.xml");
    }

    private static Route hostsRoute(String domain, String... hosts) {
        List<HostSpec> specs = Arrays.stream(hosts).map(host -> HostSpec.parse(host, 10, 1)).toList();
        return Route.of(RouteKey.ofDomain(domain), new Destination.Hosts(specs));
    }

    @Test
    void aReplacedRouteKeepsItsPlaceAndTheCommentsStay() throws Exception {
        String edited = RoutesFileEditor.put(FILE, hostsRoute("acme.test", "[192.0.2.2]", "mail.acme.test:2525"));

        assertThat(edited).contains("<!-- the operator's notes -->", "<!-- acme's servers -->");
        assertThat(edited.indexOf("192.0.2.2")).isLessThan(edited.indexOf("globex.test"));
        assertThat(edited).doesNotContain("192.0.2.1");
        RouteTable table = parse(edited);
        assertThat(table.routes()).extracting(route -> route.key().asString()).containsExactly("acme.test", "globex.test");
        assertThat(table.routeFor("user@acme.test").orElseThrow().destination())
            .isEqualTo(new Destination.Hosts(List.of(HostSpec.parse("[192.0.2.2]", 10, 1), HostSpec.parse("mail.acme.test:2525", 10, 1))));
    }

    @Test
    void onlyTheReplacedRouteChangesTheOthersKeepTheirTextAttributeOrderIncluded() {
        String file = "<delivery-routes>\n"
            + "    <route domain=\"acme.test\"><host>[192.0.2.1]</host></route>\n"
            + "    <route   mx='delivery.globex.test'  domain=\"globex.test\" />  <!-- written by hand -->\n"
            + "</delivery-routes>\n";

        String edited = RoutesFileEditor.put(file, hostsRoute("acme.test", "[192.0.2.2]"));

        assertThat(edited).isEqualTo("<delivery-routes>\n"
            + "    <route domain=\"acme.test\">\n        <host preference=\"10\">[192.0.2.2]</host>\n    </route>\n"
            + "    <route   mx='delivery.globex.test'  domain=\"globex.test\" />  <!-- written by hand -->\n"
            + "</delivery-routes>\n");
    }

    @Test
    void aRemovedRouteTakesOnlyItsOwnTextAway() {
        String edited = RoutesFileEditor.remove(FILE, RouteKey.ofDomain("globex.test")).orElseThrow();

        assertThat(edited).isEqualTo(FILE.replace("\n    <route domain=\"globex.test\" mx=\"delivery.globex.test\"/>", ""));
    }

    @Test
    void aRouteIsAddedToARootWithoutContent() throws Exception {
        String edited = RoutesFileEditor.put("<delivery-routes/>\n", hostsRoute("acme.test", "[192.0.2.1]"));

        assertThat(parse(edited).routes()).extracting(route -> route.key().asString()).containsExactly("acme.test");
    }

    @Test
    void valuesAreEscapedSoThatTheFileStaysXml() throws Exception {
        Route route = new Route(RouteKey.ofRecipient("o'hara&co@acme.test"), new Destination.MxOf("relay.acme.test"),
            Balancing.RANDOM, OptionalInt.empty(), Optional.empty(), Optional.empty(), 0);

        String edited = RoutesFileEditor.put(FILE, route);

        assertThat(parse(edited).routes()).extracting(written -> written.key().asString()).contains("o'hara&co@acme.test");
    }

    @Test
    void aNewRouteIsAddedAfterTheOthers() throws Exception {
        String edited = RoutesFileEditor.put(FILE, Route.of(RouteKey.ofRecipient("it@acme.test"), new Destination.MxOf("relay.acme.test")));

        RouteTable table = parse(edited);
        assertThat(table.routes()).extracting(route -> route.key().asString())
            .containsExactly("acme.test", "globex.test", "it@acme.test");
        assertThat(edited).containsPattern("\n    <route [^>]*recipient=\"it@acme.test\"[^>]*/>\n</delivery-routes>");
    }

    @Test
    void everyAttributeOfARouteIsWritten() throws Exception {
        Route route = new Route(RouteKey.ofDomain("*.initech.test"),
            new Destination.Hosts(List.of(new HostSpec("relay.initech.test", false, OptionalInt.of(2525), 20, 3))),
            Balancing.WEIGHTED, OptionalInt.of(26), Optional.of(TlsPolicy.REQUIRED), Optional.of("initech"), 0);

        Route written = parse(RoutesFileEditor.put(FILE, route)).routeFor("user@a.initech.test").orElseThrow();

        assertThat(written).isEqualTo(new Route(route.key(), route.destination(), route.balancing(), route.port(), route.tls(),
            route.auth(), written.line()));
    }

    @Test
    void aRemovedRouteLeavesTheOthersAndTheComments() throws Exception {
        String edited = RoutesFileEditor.remove(FILE, RouteKey.ofDomain("ACME.test")).orElseThrow();

        assertThat(parse(edited).routes()).extracting(route -> route.key().asString()).containsExactly("globex.test");
        assertThat(edited).contains("<!-- acme's servers -->");
    }

    @Test
    void removingARouteThatIsNotThereChangesNothing() {
        assertThat(RoutesFileEditor.remove(FILE, RouteKey.ofDomain("nowhere.test"))).isEmpty();
    }

    @Test
    void anEmptyFileGetsItsFirstRoute() throws Exception {
        String edited = RoutesFileEditor.put(RoutesFileEditor.EMPTY_FILE, hostsRoute("acme.test", "[192.0.2.1]"));

        assertThat(parse(edited).routes()).hasSize(1);
    }

    @Test
    void aFileThatIsNotXmlIsNotEdited() {
        assertThatThrownBy(() -> RoutesFileEditor.put("<delivery-routes><route", hostsRoute("acme.test", "[192.0.2.1]")))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("not well-formed XML");
    }
}
