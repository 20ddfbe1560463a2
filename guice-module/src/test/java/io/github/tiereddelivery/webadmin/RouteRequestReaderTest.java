package io.github.tiereddelivery.webadmin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

import org.apache.james.webadmin.utils.JsonTransformer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.github.tiereddelivery.routes.Balancing;
import io.github.tiereddelivery.routes.Destination;
import io.github.tiereddelivery.routes.HostSpec;
import io.github.tiereddelivery.routes.Route;
import io.github.tiereddelivery.routes.RouteKey;
import io.github.tiereddelivery.routes.TlsPolicy;

/** The JSON of {@code PUT /delivery-routes/…}: SPEC's bodies, and every refusal naming its field. */
class RouteRequestReaderTest {
    private static final RouteKey ACME = RouteKey.ofDomain("acme.test");

    private static Route read(String body) throws InvalidRequestException {
        return RouteRequestReader.read(ACME, body.getBytes(StandardCharsets.UTF_8));
    }

    private static String refusedField(String body) {
        try {
            read(body);
        } catch (InvalidRequestException e) {
            assertThat(e.getMessage()).startsWith(e.field() + ": ");
            return e.field();
        }
        throw new AssertionError("accepted: " + body);
    }

    @Test
    void specsHostsBodyIsARouteOfHosts() throws Exception {
        Route route = read("{\"hosts\":[{\"host\":\"mail1.acme.test\",\"port\":25,\"preference\":10,\"weight\":1}],\"balancing\":\"random\"}");

        assertThat(route).isEqualTo(Route.of(ACME, new Destination.Hosts(List.of(
            new HostSpec("mail1.acme.test", false, OptionalInt.of(25), 10, 1)))));
    }

    @Test
    void specsMxBodyIsARouteByTheMxOfAHostName() throws Exception {
        Route route = read("{\"mx\":\"delivery.acme.test\",\"port\":25}");

        assertThat(route).isEqualTo(new Route(ACME, new Destination.MxOf("delivery.acme.test"), Balancing.RANDOM,
            OptionalInt.of(25), Optional.empty(), Optional.empty(), 0));
    }

    @Test
    void defaultsAreThoseOfTheRoutesFile() throws Exception {
        Route route = read("{\"hosts\":[{\"host\":\"mail1.acme.test\"}]}");

        assertThat(route).isEqualTo(Route.of(ACME, new Destination.Hosts(List.of(
            new HostSpec("mail1.acme.test", false, OptionalInt.empty(), HostSpec.DEFAULT_PREFERENCE, HostSpec.DEFAULT_WEIGHT)))));
    }

    @Test
    void tlsAuthAndBalancingAreTheRoutesFileAttributes() throws Exception {
        Route route = read("{\"hosts\":[{\"host\":\"a.acme.test\",\"weight\":3},{\"host\":\"b.acme.test\"}],"
            + "\"balancing\":\"weighted\",\"tls\":\"required\",\"auth\":\"acme\"}");

        assertThat(route.balancing()).isEqualTo(Balancing.WEIGHTED);
        assertThat(route.tls()).contains(TlsPolicy.REQUIRED);
        assertThat(route.auth()).contains("acme");
    }

    @Test
    void anIpAddressIsGivenWithOrWithoutBrackets() throws Exception {
        Route route = read("{\"hosts\":[{\"host\":\"192.0.2.7\"},{\"host\":\"[192.0.2.8]\"},{\"host\":\"2001:db8::1\"},"
            + "{\"host\":\"[IPv6:2001:db8::2]\"}]}");

        assertThat(((Destination.Hosts) route.destination()).hosts())
            .allSatisfy(host -> assertThat(host.isIpLiteral()).isTrue())
            .extracting(HostSpec::host).containsExactly("192.0.2.7", "192.0.2.8", "2001:db8::1", "2001:db8::2");
    }

    @Test
    void nullIsTheSameAsAnAbsentOptionalField() throws Exception {
        assertThat(read("{\"hosts\":[{\"host\":\"mail1.acme.test\",\"port\":null}],\"mx\":null,\"tls\":null}"))
            .isEqualTo(read("{\"hosts\":[{\"host\":\"mail1.acme.test\"}]}"));
    }

    @ParameterizedTest(name = "{0} → {1}")
    @CsvSource(delimiter = '|', value = {
        "{\"hosts\":[{\"host\":\"a.test\"}],\"colour\":\"red\"}                 | colour",
        "{\"hosts\":[{\"host\":\"a.test\",\"priority\":10}]}                    | hosts[0].priority",
        "{\"hosts\":[{\"host\":\"a.test\",\"preference\":65536}]}               | hosts[0].preference",
        "{\"hosts\":[{\"host\":\"a.test\",\"preference\":-1}]}                  | hosts[0].preference",
        "{\"hosts\":[{\"host\":\"a.test\",\"preference\":1.5}]}                 | hosts[0].preference",
        "{\"hosts\":[{\"host\":\"a.test\",\"preference\":\"10\"}]}              | hosts[0].preference",
        "{\"hosts\":[{\"host\":\"a.test\",\"preference\":99999999999999999999}]} | hosts[0].preference",
        "{\"hosts\":[{\"host\":\"a.test\",\"weight\":0}]}                       | hosts[0].weight",
        "{\"hosts\":[{\"host\":\"a.test\",\"weight\":1001}]}                    | hosts[0].weight",
        "{\"hosts\":[{\"host\":\"a.test\"}],\"mx\":\"delivery.acme.test\"}      | mx",
        "{\"balancing\":\"random\"}                                             | hosts",
        "{}                                                                     | hosts",
        "{\"hosts\":[]}                                                         | hosts",
        "{\"hosts\":[{\"host\":\"a.test\"},{\"host\":\"A.test\"}]}              | hosts",
        "{\"hosts\":{\"host\":\"a.test\"}}                                      | hosts",
        "{\"hosts\":[\"a.test\"]}                                               | hosts[0]",
        "{\"hosts\":[{\"host\":\"a.test\"},{\"host\":\"bad_name.test\"}]}       | hosts[1].host",
        "{\"hosts\":[{\"host\":\"192.0.2.300\"}]}                               | hosts[0].host",
        "{\"hosts\":[{\"host\":\"[192.0.2.7\"}]}                                | hosts[0].host",
        "{\"hosts\":[{\"host\":\"mail1.acme.test:2525\"}]}                      | hosts[0].host",
        "{\"hosts\":[{\"host\":\"\"}]}                                          | hosts[0].host",
        "{\"hosts\":[{\"port\":25}]}                                            | hosts[0].host",
        "{\"hosts\":[{\"host\":\"a.test\",\"port\":0}]}                         | hosts[0].port",
        "{\"hosts\":[{\"host\":\"a.test\",\"port\":65536}]}                     | hosts[0].port",
        "{\"mx\":\"delivery.acme.test\",\"port\":70000}                         | port",
        "{\"mx\":\"192.0.2.7\"}                                                 | mx",
        "{\"mx\":\"-bad-.test\"}                                                | mx",
        "{\"mx\":25}                                                            | mx",
        "{\"mx\":\"delivery.acme.test\",\"balancing\":\"fastest\"}              | balancing",
        "{\"mx\":\"delivery.acme.test\",\"tls\":\"always\"}                     | tls",
        "{\"mx\":\"delivery.acme.test\",\"auth\":\"a b\"}                       | auth",
        "{\"mx\":\"delivery.acme.test\",\"port\":25,\"port\":26}                | port",
        "{\"mx\":\"delivery.acme.test\"                                          | body",
        "{\"mx\":\"delivery.acme.test\"} {}                                     | body",
        "[]                                                                     | body",
        "\"acme\"                                                               | body",
        "''                                                                     | body",
        "not json                                                               | body",
    })
    void aRefusalNamesTheFieldThatIsWrong(String body, String field) {
        assertThat(refusedField(body)).isEqualTo(field);
    }

    @Test
    void aRefusalSaysWhatWasReceived() {
        assertThatThrownBy(() -> read("{\"hosts\":[{\"host\":\"a.test\",\"preference\":70000}]}"))
            .isInstanceOfSatisfying(InvalidRequestException.class, e -> {
                assertThat(e.getMessage()).isEqualTo("hosts[0].preference: must be a whole number from 0 to 65535 "
                    + "(lower = tried first), e.g. 10");
                assertThat(e.details()).contains("got 70000");
            });
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{\"mx\":\"delivery.acme.test\",\"balancing\":\"fastest\"} | e.g. \"balancing\":\"random\"",
        "{\"mx\":\"delivery.acme.test\",\"tls\":\"always\"}        | e.g. \"tls\":\"required\"",
        "{\"mx\":\"delivery.acme.test\",\"auth\":\"a b\"}          | e.g. \"auth\":\"acme\"",
    })
    void aRefusalGivesItsExampleInJson(String body, String example) {
        assertThatThrownBy(() -> read(body))
            .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.getMessage())
                .endsWith(example)
                .doesNotContain("=\""));
    }

    @Test
    void aBodyLargerThan64KiBIsRefusedUnread() {
        String body = "{\"mx\":\"" + "a".repeat(RouteRequestReader.MAX_BODY_BYTES) + "\"}";

        assertThat(refusedField(body)).isEqualTo("body");
    }

    @Test
    void deepNestingIsRefusedAtTheFirstUnexpectedToken() {
        String body = "{\"hosts\":" + "[".repeat(30_000) + "]".repeat(30_000) + "}";

        assertThat(refusedField(body)).isEqualTo("hosts[0]");
    }

    @Test
    void whatGetShowsIsReadBackAsTheSameRoute() throws Exception {
        Route route = new Route(ACME, new Destination.Hosts(List.of(
            new HostSpec("mail1.acme.test", false, OptionalInt.empty(), 10, 3),
            new HostSpec("2001:db8::1", true, OptionalInt.of(2525), 20, 1))),
            Balancing.WEIGHTED, OptionalInt.of(26), Optional.of(TlsPolicy.OPPORTUNISTIC), Optional.of("acme"), 0);

        String shown = new JsonTransformer().render(RouteBody.of(route));

        assertThat(shown).isEqualTo("{\"hosts\":[{\"host\":\"mail1.acme.test\",\"preference\":10,\"weight\":3},"
            + "{\"host\":\"2001:db8::1\",\"port\":2525,\"preference\":20,\"weight\":1}],\"port\":26,\"balancing\":\"weighted\","
            + "\"tls\":\"opportunistic\",\"auth\":\"acme\"}");
        assertThat(read(shown)).isEqualTo(route);
    }

    @Test
    void anMxRouteIsShownAsSpecWritesIt() throws Exception {
        Route route = read("{\"mx\":\"delivery.acme.test\",\"port\":25}");

        assertThat(new JsonTransformer().render(RouteBody.of(route)))
            .isEqualTo("{\"mx\":\"delivery.acme.test\",\"port\":25,\"balancing\":\"random\"}");
    }
}
