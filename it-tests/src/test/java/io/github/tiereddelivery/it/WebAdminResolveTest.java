package io.github.tiereddelivery.it;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.startsWith;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.github.tiereddelivery.it.support.DeliveryScenario;
import io.restassured.response.ValidatableResponse;

/**
 * SPEC "WebAdmin": {@code GET /delivery-routes/resolve?recipient=} is a dry run. For each kind of route it tells which
 * route matched and why, the tiers in order, every server with its addresses, port and health; no mail is sent, and
 * DNS failures are part of the answer.
 */
class WebAdminResolveTest {
    @RegisterExtension
    static final DeliveryScenario scenario = DeliveryScenario.builder()
        .server("mail1", "127.0.0.2")
        .server("mail2", "127.0.0.3")
        .server("backup", "127.0.0.4")
        .dns(zone -> zone
            .a("mail1.acme.test", "127.0.0.2")
            .a("mail2.acme.test", "127.0.0.3", "127.0.0.4")
            .mx("delivery.globex.test", 10, "mx1.globex.test")
            .mx("delivery.globex.test", 20, "mx2.globex.test")
            .a("mx1.globex.test", "127.0.0.2")
            .a("mx2.globex.test", "127.0.0.4")
            .mx("plain.test", 5, "mx.plain.test")
            .a("mx.plain.test", "127.0.0.5")
            .nullMx("nomail.test")
            .servfail("broken.test"))
        .route("<route domain=\"acme.test\">"
            + "<host preference=\"10\">mail1.acme.test</host>"
            + "<host preference=\"10\">mail2.acme.test</host>"
            + "<host preference=\"20\">ghost.acme.test</host>"
            + "<host preference=\"30\">[192.0.2.7]:2525</host>"
            + "</route>")
        .route("<route domain=\"globex.test\" mx=\"delivery.globex.test\" port=\"2525\"/>")
        .route("<route domain=\"*.initech.test\"><host>[127.0.0.4]</host></route>")
        .route("<route domain=\"bücher.test\"><host>[127.0.0.4]</host></route>")
        .route("<route recipient=\"it@acme.test\"><host>[127.0.0.3]</host></route>")
        .route("<route domain=\"servfail.test\"><host>mail.broken.test</host></route>")
        .route("<route domain=\"failover.test\"><host preference=\"10\">mail1.acme.test</host>"
            + "<host preference=\"20\">[127.0.0.3]</host></route>")
        .build();

    private static ValidatableResponse resolve(String recipient) {
        return given().spec(scenario.webAdmin())
            .queryParam("recipient", recipient)
            .get("/delivery-routes/resolve")
            .then()
            .statusCode(200)
            .body("recipient", equalTo(recipient));
    }

    private static int port() {
        return scenario.servers().port();
    }

    @Test
    void aDomainRouteOfHostsGivesItsTiersInOrderWithTheAddressesAndPortOfEveryServer() {
        resolve("user@acme.test")
            .body("matchedBy", equalTo("domain"))
            .body("why", equalTo("the route of the domain acme.test"))
            .body("target", startsWith("route acme.test (line "))
            .body("line", notNullValue())
            .body("route.domain", equalTo("acme.test"))
            .body("tiers.preference", contains(10, 30))
            .body("tiers[0].servers.hostname", contains("mail1.acme.test", "mail2.acme.test"))
            .body("tiers[0].servers[0].port", equalTo(port()))
            .body("tiers[0].servers[0].addresses.address", contains("127.0.0.2"))
            .body("tiers[0].servers[1].addresses.address", contains("127.0.0.3", "127.0.0.4"))
            .body("tiers[0].servers[1].addresses.state", contains("up", "up"))
            .body("tiers[1].servers[0].hostname", equalTo("192.0.2.7"))
            .body("tiers[1].servers[0].port", equalTo(2525))
            .body("unresolved", contains("ghost.acme.test: no such host"));
    }

    @Test
    void anMxRouteGivesTheServersOfTheMxRecordsOfItsHostNameWithTheirPreferences() {
        resolve("user@globex.test")
            .body("matchedBy", equalTo("domain"))
            .body("route.mx", equalTo("delivery.globex.test"))
            .body("tiers.preference", contains(10, 20))
            .body("tiers[0].servers[0].hostname", equalTo("mx1.globex.test"))
            .body("tiers[0].servers[0].port", equalTo(2525))
            .body("tiers[1].servers[0].addresses[0].address", equalTo("127.0.0.4"));
    }

    @Test
    void anInternationalizedDomainIsResolvedInItsAsciiForm() {
        given().spec(scenario.webAdmin())
            .queryParam("recipient", "user@bücher.test")
            .get("/delivery-routes/resolve")
            .then()
            .statusCode(200)
            .body("recipient", equalTo("user@xn--bcher-kva.test"))
            .body("matchedBy", equalTo("domain"))
            .body("tiers[0].servers[0].addresses[0].address", equalTo("127.0.0.4"));
    }

    @Test
    void aSubdomainMatchesTheSuffixRoute() {
        resolve("user@x.y.initech.test")
            .body("matchedBy", equalTo("suffix"))
            .body("route.domain", equalTo("*.initech.test"))
            .body("why", containsString("longest *.suffix route"))
            .body("tiers[0].servers[0].addresses[0].address", equalTo("127.0.0.4"));
    }

    @Test
    void aRecipientRouteComesBeforeItsDomainRoute() {
        resolve("it@acme.test")
            .body("matchedBy", equalTo("recipient"))
            .body("route.recipient", equalTo("it@acme.test"))
            .body("tiers[0].servers[0].addresses[0].address", equalTo("127.0.0.3"));
    }

    @Test
    void withoutARouteTheMxRecordsOfTheRecipientDomainDecide() {
        resolve("user@plain.test")
            .body("matchedBy", equalTo("mx"))
            .body("target", equalTo("MX of plain.test"))
            .body("why", containsString("MX records of plain.test"))
            .body("tiers[0].preference", equalTo(5))
            .body("tiers[0].servers[0].hostname", equalTo("mx.plain.test"))
            .body("tiers[0].servers[0].addresses[0].address", equalTo("127.0.0.5"));
    }

    @Test
    void theDefaultRouteCatchesWhatNoOtherRouteMatches() {
        given().spec(scenario.webAdmin()).body("{\"hosts\":[{\"host\":\"127.0.0.4\"}]}").put("/delivery-routes/domains/*")
            .then().statusCode(204);
        try {
            resolve("user@plain.test")
                .body("matchedBy", equalTo("default"))
                .body("route.domain", equalTo("*"))
                .body("tiers[0].servers[0].addresses[0].address", equalTo("127.0.0.4"));
            resolve("user@acme.test").body("matchedBy", equalTo("domain"));
        } finally {
            given().spec(scenario.webAdmin()).delete("/delivery-routes/domains/*").then().statusCode(204);
        }
    }

    @Test
    void aTemporaryDnsFailureIsReportedAsADeferralNotAsAServerError() {
        resolve("user@servfail.test")
            .body("matchedBy", equalTo("domain"))
            .body("tiers", empty())
            .body("problem.status", equalTo("4.4.3"))
            .body("problem.consequence", equalTo("defer"))
            .body("problem.reason", containsString("mail.broken.test"));
        resolve("user@broken.test")
            .body("matchedBy", equalTo("mx"))
            .body("problem.status", equalTo("4.4.3"));
    }

    @Test
    void aDomainThatDoesNotExistOrTakesNoMailIsReportedWithTheBounceItWouldGet() {
        resolve("user@nowhere.test")
            .body("problem.status", equalTo("5.4.4"))
            .body("problem.consequence", equalTo("bounce-after-dns-retries"));
        resolve("user@nomail.test")
            .body("problem.status", equalTo("5.1.10"))
            .body("problem.consequence", equalTo("bounce-now"));
    }

    @Test
    void aServerThatFailedIsShownDownUntilItsIntervalEndsWithItsLastError() throws Exception {
        scenario.server("mail1").stop();
        scenario.send("user@failover.test");
        scenario.awaitDelivered(1, Duration.ofSeconds(60), "mail2");

        resolve("user@failover.test")
            .body("tiers[0].servers[0].hostname", equalTo("mail1.acme.test"))
            .body("tiers[0].servers[0].addresses[0].state", equalTo("down"))
            .body("tiers[0].servers[0].addresses[0].downUntil", notNullValue())
            .body("tiers[0].servers[0].addresses[0].lastError", containsString("refused"))
            .body("tiers[1].servers[0].addresses[0].state", equalTo("up"));
    }

    @Test
    void aServerWhereThisJamesListensIsMarkedAsALoop() {
        int smtpPort = scenario.james().smtpPort();
        given().spec(scenario.webAdmin()).body("{\"hosts\":[{\"host\":\"127.0.0.1\",\"port\":" + smtpPort + "}]}")
            .put("/delivery-routes/domains/loop.test").then().statusCode(204);

        resolve("user@loop.test")
            .body("tiers[0].servers[0].addresses[0].loop", equalTo(true));
        resolve("user@acme.test")
            .body("tiers[0].servers[0].addresses[0].loop", equalTo(false));
    }

    @Test
    void aDryRunSendsNoMail() throws Exception {
        resolve("user@acme.test");
        resolve("it@acme.test");
        resolve("user@globex.test");

        assertThat(scenario.servers().names()).allSatisfy(name -> assertThat(scenario.server(name).connectionCount()).isZero());
        assertThat(scenario.outgoingQueueSize()).isZero();
    }

    @Test
    void aRecipientThatIsNotAnAddressIsABadRequest() {
        given().spec(scenario.webAdmin()).queryParam("recipient", "not an address").get("/delivery-routes/resolve").then()
            .statusCode(400)
            .body("type", equalTo("InvalidArgument"))
            .body("message", startsWith("recipient: "));
        given().spec(scenario.webAdmin()).get("/delivery-routes/resolve").then()
            .statusCode(400)
            .body("message", startsWith("recipient: missing"));
    }
}
