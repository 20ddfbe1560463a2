package io.github.tiereddelivery.it;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.startsWith;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import io.github.tiereddelivery.it.support.DeliveryScenario;
import io.github.tiereddelivery.routes.RouteKey;
import io.github.tiereddelivery.routes.RouteTable;
import io.github.tiereddelivery.routes.RoutesFileParser;
import io.restassured.specification.RequestSpecification;

/**
 * SPEC "WebAdmin /delivery-routes": the routes of the running James over HTTP, read and written in its routes file and
 * in force for the next mail, no restart. The routes file lives as long as the class: each test uses domains of its own.
 */
class WebAdminRoutesTest {
    private static final String[] ALL = {"old", "new"};

    @RegisterExtension
    static final DeliveryScenario scenario = DeliveryScenario.builder()
        .server("old", "127.0.0.2")
        .server("new", "127.0.0.3")
        .route("<route domain=\"acme.test\"><host>[127.0.0.2]</host></route>")
        .route("<!-- the operator's comment stays --><route domain=\"split.test\"><host>[127.0.0.2]</host></route>")
        .build();

    private static RequestSpecification webAdmin() {
        return given().spec(scenario.webAdmin());
    }

    private static void put(String path, String body) {
        webAdmin().body(body).put("/delivery-routes" + path).then().statusCode(204);
    }

    private static String get(String path) {
        return webAdmin().get("/delivery-routes" + path).then().statusCode(200).extract().body().asString();
    }

    private static String deliveredTo(String recipient) throws Exception {
        scenario.send(recipient);
        scenario.awaitDelivered(1, Duration.ofSeconds(60), ALL);
        String server = scenario.serversThatReceived().iterator().next();
        scenario.servers().reset();
        return server;
    }

    @Test
    void getListsEveryRouteOfTheFileWithItsDomainOrRecipient() {
        webAdmin().get("/delivery-routes").then()
            .statusCode(200)
            .body("domain", hasItem("acme.test"))
            .body("find { it.domain == 'acme.test' }.hosts[0].host", equalTo("127.0.0.2"))
            .body("find { it.domain == 'acme.test' }.hosts[0].preference", equalTo(10))
            .body("find { it.domain == 'acme.test' }.balancing", equalTo("random"));
    }

    @Test
    void aPutDomainRouteIsAnsweredNoContentAndGetShowsItInTheSameFields() throws Exception {
        String body = "{\"hosts\":[{\"host\":\"mail1.crud.test\",\"port\":25,\"preference\":10,\"weight\":1},"
            + "{\"host\":\"192.0.2.7\",\"port\":2525,\"preference\":20,\"weight\":1}],\"balancing\":\"random\"}";

        put("/domains/crud.test", body);

        assertThat(get("/domains/crud.test")).isEqualTo(body);
        assertThat(scenario.routesFileContent()).contains("<route domain=\"crud.test\">", "mail1.crud.test:25", "[192.0.2.7]:2525");
    }

    @Test
    void aGetBodyPutBackUnchangedLeavesTheRouteAsItWas() {
        put("/domains/roundtrip.test", "{\"hosts\":[{\"host\":\"a.roundtrip.test\",\"weight\":3},{\"host\":\"2001:db8::1\","
            + "\"preference\":20}],\"port\":2525,\"balancing\":\"weighted\",\"tls\":\"opportunistic\"}");
        String shown = get("/domains/roundtrip.test");

        put("/domains/roundtrip.test", shown);

        assertThat(get("/domains/roundtrip.test")).isEqualTo(shown);
    }

    @Test
    void anMxRouteIsWrittenAndShownAsSpecWritesIt() throws Exception {
        put("/domains/globex.test", "{\"mx\":\"delivery.globex.test\",\"port\":25}");

        assertThat(get("/domains/globex.test")).isEqualTo("{\"mx\":\"delivery.globex.test\",\"port\":25,\"balancing\":\"random\"}");
        assertThat(scenario.routesFileContent()).contains("<route domain=\"globex.test\" mx=\"delivery.globex.test\" port=\"25\"/>");
    }

    @Test
    void aPutReplacesTheRouteOfTheSameDomainInPlaceAndKeepsTheRestOfTheFile() throws Exception {
        put("/domains/replace.test", "{\"hosts\":[{\"host\":\"one.replace.test\"}]}");
        put("/domains/replace.test", "{\"hosts\":[{\"host\":\"two.replace.test\"}]}");

        assertThat(get("/domains/replace.test")).contains("two.replace.test").doesNotContain("one.replace.test");
        assertThat(scenario.routesFileContent()).contains("<!-- the operator's comment stays -->")
            .containsOnlyOnce("domain=\"replace.test\"");
    }

    @Test
    void aDeletedDomainRouteIsGoneFromGetAndTheFile() throws Exception {
        put("/domains/delete.test", "{\"hosts\":[{\"host\":\"mail.delete.test\"}]}");

        webAdmin().delete("/delivery-routes/domains/delete.test").then().statusCode(204);

        webAdmin().get("/delivery-routes/domains/delete.test").then()
            .statusCode(404)
            .body("statusCode", equalTo(404))
            .body("type", equalTo("notFound"))
            .body("message", equalTo("no route for delete.test"));
        assertThat(scenario.routesFileContent()).doesNotContain("delete.test");
    }

    @Test
    void getOrDeleteOfAMissingRouteIsNotFound() {
        webAdmin().get("/delivery-routes/domains/missing.test").then().statusCode(404).body("type", equalTo("notFound"));
        webAdmin().delete("/delivery-routes/domains/missing.test").then().statusCode(404).body("type", equalTo("notFound"));
        webAdmin().get("/delivery-routes/recipients/nobody@acme.test").then().statusCode(404).body("type", equalTo("notFound"));
        webAdmin().delete("/delivery-routes/recipients/nobody@acme.test").then().statusCode(404).body("type", equalTo("notFound"));
    }

    @Test
    void aRecipientRouteIsWrittenShownListedAndDeleted() throws Exception {
        String body = "{\"hosts\":[{\"host\":\"192.0.2.9\",\"preference\":10,\"weight\":1}],\"balancing\":\"random\"}";

        put("/recipients/it@crud.test", body);

        assertThat(get("/recipients/it@crud.test")).isEqualTo(body);
        webAdmin().get("/delivery-routes").then().body("recipient", hasItem("it@crud.test"));
        assertThat(scenario.routesFileContent()).contains("<route recipient=\"it@crud.test\">");

        webAdmin().delete("/delivery-routes/recipients/it@crud.test").then().statusCode(204);
        webAdmin().get("/delivery-routes/recipients/it@crud.test").then().statusCode(404);
    }

    @Test
    void theDefaultRouteIsAddressedAsStarAndASuffixRouteAsStarDotParent() throws Exception {
        put("/domains/*.initech.test", "{\"hosts\":[{\"host\":\"relay.initech.test\"}]}");
        webAdmin().urlEncodingEnabled(false).body("{\"hosts\":[{\"host\":\"smarthost.example.net\"}]}")
            .put("/delivery-routes/domains/%2A").then().statusCode(204);

        assertThat(get("/domains/*.initech.test")).contains("relay.initech.test");
        assertThat(get("/domains/*")).contains("smarthost.example.net");
        assertThat(scenario.routesFileContent()).contains("<route domain=\"*.initech.test\">", "<route domain=\"*\">");

        webAdmin().delete("/delivery-routes/domains/*").then().statusCode(204);
        webAdmin().delete("/delivery-routes/domains/*.initech.test").then().statusCode(204);
    }

    @Test
    void domainsAreComparedCaseInsensitivelyAndInTheirAsciiForm() {
        put("/domains/Bücher.Test", "{\"hosts\":[{\"host\":\"mail.xn--bcher-kva.test\"}]}");

        assertThat(get("/domains/xn--bcher-kva.test")).contains("mail.xn--bcher-kva.test");
        assertThat(get("/domains/BÜCHER.test")).contains("mail.xn--bcher-kva.test");
        webAdmin().delete("/delivery-routes/domains/bücher.test").then().statusCode(204);
    }

    @Test
    void aPutRouteIsInForceForTheNextMailWithoutARestart() throws Exception {
        put("/domains/switch.test", "{\"hosts\":[{\"host\":\"127.0.0.2\"}]}");
        assertThat(deliveredTo("user@switch.test")).isEqualTo("old");

        put("/domains/switch.test", "{\"hosts\":[{\"host\":\"[127.0.0.3]\"}]}");

        assertThat(deliveredTo("user@switch.test")).isEqualTo("new");
    }

    @Test
    void aDeletedRecipientRouteIsNoLongerUsedForTheNextMail() throws Exception {
        put("/recipients/ceo@split.test", "{\"hosts\":[{\"host\":\"127.0.0.3\"}]}");
        assertThat(deliveredTo("ceo@split.test")).isEqualTo("new");

        webAdmin().delete("/delivery-routes/recipients/ceo@split.test").then().statusCode(204);

        assertThat(deliveredTo("ceo@split.test")).isEqualTo("old");
    }

    @Test
    void twentyParallelPutsOfDifferentDomainsAllEndUpInTheFileAndItStaysValid() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(20);
        try {
            List<Future<Integer>> puts = IntStream.range(0, 20)
                .mapToObj(i -> pool.submit(() -> webAdmin()
                    .body("{\"hosts\":[{\"host\":\"192.0.2." + (i + 1) + "\"}]}")
                    .put("/delivery-routes/domains/parallel" + i + ".test")
                    .statusCode()))
                .collect(Collectors.toList());
            for (Future<Integer> put : puts) {
                assertThat(put.get(60, TimeUnit.SECONDS)).isEqualTo(204);
            }
        } finally {
            pool.shutdownNow();
        }

        RouteTable onDisk = new RoutesFileParser().parse(scenario.routesFile());
        for (int i = 0; i < 20; i++) {
            assertThat(onDisk.find(RouteKey.ofDomain("parallel" + i + ".test"))).isPresent();
            webAdmin().get("/delivery-routes/domains/parallel" + i + ".test").then().statusCode(200)
                .body("hosts[0].host", equalTo("192.0.2." + (i + 1)));
        }
    }

    @ParameterizedTest(name = "{0} → 400 naming {1}")
    @CsvSource(delimiter = '|', value = {
        "{\"hosts\":[{\"host\":\"a.bad.test\"}],\"colour\":\"red\"}              | colour",
        "{\"hosts\":[{\"host\":\"a.bad.test\",\"preference\":65536}]}            | hosts[0].preference",
        "{\"hosts\":[{\"host\":\"a.bad.test\",\"preference\":-1}]}               | hosts[0].preference",
        "{\"hosts\":[{\"host\":\"a.bad.test\",\"weight\":0}]}                    | hosts[0].weight",
        "{\"hosts\":[{\"host\":\"a.bad.test\",\"weight\":1001}]}                 | hosts[0].weight",
        "{\"hosts\":[{\"host\":\"a.bad.test\"}],\"mx\":\"delivery.bad.test\"}    | mx",
        "{\"balancing\":\"random\"}                                              | hosts",
        "{\"hosts\":[]}                                                          | hosts",
        "{\"hosts\":[{\"host\":\"bad_name.test\"}]}                              | hosts[0].host",
        "{\"hosts\":[{\"host\":\"192.0.2.300\"}]}                                | hosts[0].host",
        "{\"hosts\":[{\"host\":\"[2001:db8::zz]\"}]}                             | hosts[0].host",
        "{\"hosts\":[{\"host\":\"a.bad.test\",\"port\":0}]}                      | hosts[0].port",
        "{\"mx\":\"delivery.bad.test\",\"port\":65536}                           | port",
        "{\"mx\":\"delivery.bad.test\",\"tls\":\"always\"}                       | tls",
        "{\"mx\":\"delivery.bad.test\"                                           | body",
        "not json                                                                | body",
    })
    void anInvalidBodyIsRefusedWithAnErrorNamingTheFieldAndNothingIsWritten(String body, String field) throws Exception {
        String before = scenario.routesFileContent();

        webAdmin().body(body).put("/delivery-routes/domains/bad.test").then()
            .statusCode(400)
            .body("statusCode", equalTo(400))
            .body("type", equalTo("InvalidArgument"))
            .body("message", startsWith(field + ": "));

        assertThat(scenario.routesFileContent()).isEqualTo(before);
        webAdmin().get("/delivery-routes/domains/bad.test").then().statusCode(404);
    }

    @ParameterizedTest(name = "{0} → 400 naming {1}")
    @CsvSource(delimiter = '|', value = {
        "/domains/not_a_domain.test   | domain",
        "/domains/a..b.test           | domain",
        "/domains/it@acme.test        | domain",
        "/domains/*.*.test            | domain",
        "/domains/192.0.2.7           | domain",
        "/recipients/acme.test        | recipient",
        "/recipients/@acme.test       | recipient",
        "/recipients/*@acme.test      | recipient",
        "/recipients/a@b@acme.test    | recipient",
        "/recipients/a..b@acme.test   | recipient",
    })
    void aPathThatIsNotADomainOrAnAddressIsRefusedAndNothingIsWritten(String path, String field) throws Exception {
        String before = scenario.routesFileContent();

        webAdmin().body("{\"hosts\":[{\"host\":\"mail.acme.test\"}]}").put("/delivery-routes" + path).then()
            .statusCode(400)
            .body("type", equalTo("InvalidArgument"))
            .body("message", startsWith(field + ": "));
        webAdmin().get("/delivery-routes" + path).then().statusCode(400);

        assertThat(scenario.routesFileContent()).isEqualTo(before);
    }

    @Test
    void aRouteWhoseAuthHasNoCredentialsIsRefusedAndNothingIsWritten() throws Exception {
        String before = scenario.routesFileContent();

        webAdmin().body("{\"hosts\":[{\"host\":\"mail.auth.test\"}],\"auth\":\"nobody\"}").put("/delivery-routes/domains/auth.test")
            .then()
            .statusCode(400)
            .body("type", equalTo("InvalidArgument"))
            .body("message", startsWith("route: "))
            .body("details", containsString("auth=\"nobody\""));

        assertThat(scenario.routesFileContent()).isEqualTo(before);
    }

    @ParameterizedTest
    @ValueSource(strings = {"text/plain", "application/xml", "multipart/form-data; boundary=x"})
    void aBodyOfAnotherDeclaredTypeIsRefusedForItsTypeAndNothingIsWritten(String type) throws Exception {
        String before = scenario.routesFileContent();

        HttpResponse<String> response = rawPut("/delivery-routes/domains/typed.test", Optional.of(type));

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("\"message\":\"body: sent as " + type + "; a route is JSON",
            "Content-Type: application/json");
        assertThat(scenario.routesFileContent()).isEqualTo(before);
    }

    @Test
    void aBodyWithoutContentTypeIsReadAsJson() throws Exception {
        HttpResponse<String> response = rawPut("/delivery-routes/domains/untyped.test", Optional.empty());

        assertThat(response.statusCode()).isEqualTo(204);
        webAdmin().get("/delivery-routes/domains/untyped.test").then().statusCode(200);
    }

    /** A PUT of a valid route as the client sends it: with the given Content-Type or with none (REST-assured always sets one). */
    private static HttpResponse<String> rawPut(String path, Optional<String> contentType) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + scenario.james().webAdminPort() + path))
            .timeout(Duration.ofSeconds(10))
            .PUT(HttpRequest.BodyPublishers.ofString("{\"hosts\":[{\"host\":\"192.0.2.1\"}]}"));
        contentType.ifPresent(type -> request.header("Content-Type", type));
        return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aBodySentAsAFormIsRefusedWithTheAdviceToSendJson() {
        given().baseUri("http://127.0.0.1").port(scenario.james().webAdminPort())
            .contentType("application/x-www-form-urlencoded")
            .body("{\"hosts\":[{\"host\":\"192.0.2.1\"}]}")
            .put("/delivery-routes/domains/form.test").then()
            .statusCode(400)
            .body("message", startsWith("body: sent as a form"))
            .body("message", containsString("Content-Type: application/json"));
    }
}
