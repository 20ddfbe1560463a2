package io.github.tiereddelivery.it;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import java.nio.file.Files;
import java.time.Duration;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.github.tiereddelivery.it.support.DeliveryScenario;
import io.restassured.response.ValidatableResponse;

/**
 * SPEC "Routes file" and issue 4, "Live reload": the file is re-read when it changes, by an editor, a configuration
 * manager or another node; a version that does not parse is refused, reported by the health check, and the previous
 * routes stay in force.
 */
class RoutesReloadTest {
    /** Issue 4: a change on disk is in force within 2 seconds. */
    private static final Duration IN_FORCE_WITHIN = Duration.ofSeconds(2);
    /** For setting up a test: also covers the first HTTP request of the JVM, which is slow. */
    private static final Duration SETTLED_WITHIN = Duration.ofSeconds(30);
    private static final String[] ALL = {"old", "new"};
    private static final String TO_OLD = "<route domain=\"acme.test\"><host>[127.0.0.2]</host></route>";
    private static final String TO_NEW = "<route domain=\"acme.test\"><host>[127.0.0.3]</host></route>";
    private static final String BROKEN = "<delivery-routes><route domain=\"acme.test\"><host>[127.0.0.3]</host><oops/></route>";

    @RegisterExtension
    static final DeliveryScenario scenario = DeliveryScenario.builder()
        .server("old", "127.0.0.2")
        .server("new", "127.0.0.3")
        .route(TO_OLD)
        .build();

    /** Each test starts with acme.test going to "old", in force. */
    @BeforeEach
    void routeAcmeToOld() throws Exception {
        scenario.rewriteRoutes(TO_OLD);
        Awaitility.await().atMost(SETTLED_WITHIN).until(() -> acmeRoute().extract().asString().contains("127.0.0.2"));
        Awaitility.await().atMost(SETTLED_WITHIN).untilAsserted(() -> healthCheck().body("status", equalTo("healthy")));
    }

    private static ValidatableResponse acmeRoute() {
        return given().spec(scenario.webAdmin()).get("/delivery-routes/domains/acme.test").then().statusCode(200);
    }

    private static ValidatableResponse healthCheck() {
        return given().spec(scenario.webAdmin()).get("/healthcheck/checks/{component}", "Tiered Delivery").then();
    }

    private static String deliveredTo(String recipient) throws Exception {
        scenario.send(recipient);
        scenario.awaitDelivered(1, Duration.ofSeconds(60), ALL);
        return scenario.serversThatReceived().iterator().next();
    }

    @Test
    void anEditedRoutesFileIsInForceForTheNextMailWithinTwoSeconds() throws Exception {
        assertThat(deliveredTo("user@acme.test")).isEqualTo("old");
        scenario.servers().reset();

        scenario.rewriteRoutes(TO_NEW);
        Thread.sleep(IN_FORCE_WITHIN.toMillis());

        assertThat(deliveredTo("user@acme.test")).isEqualTo("new");
    }

    @Test
    void aBrokenEditChangesNothingAndTheNextMailTakesThePreviousRoutes() throws Exception {
        scenario.writeRoutesFile(BROKEN);
        Thread.sleep(IN_FORCE_WITHIN.toMillis());

        assertThat(deliveredTo("user@acme.test")).isEqualTo("old");
        acmeRoute().body("hosts[0].host", equalTo("127.0.0.2"));
    }

    @Test
    void aBrokenEditTurnsJamesHealthCheckUnhealthyUntilTheFileIsFixed() throws Exception {
        scenario.writeRoutesFile(BROKEN);
        Thread.sleep(IN_FORCE_WITHIN.toMillis());

        healthCheck()
            .statusCode(503)
            .body("status", equalTo("unhealthy"))
            .body("cause", containsString("delivery-routes.xml"))
            .body("cause", containsString("<oops>"));

        scenario.rewriteRoutes(TO_NEW);
        Thread.sleep(IN_FORCE_WITHIN.toMillis());

        healthCheck().statusCode(200).body("status", equalTo("healthy"));
    }

    @Test
    void aWebAdminWriteOntoAFileThatIsBrokenOnDiskIsRefusedAndTheFileIsLeftAsItIs() throws Exception {
        scenario.writeRoutesFile(BROKEN);

        given().spec(scenario.webAdmin()).body("{\"hosts\":[{\"host\":\"127.0.0.3\"}]}").put("/delivery-routes/domains/globex.test")
            .then()
            .statusCode(409)
            .body("type", equalTo("WrongState"))
            .body("message", containsString("on disk is refused"))
            .body("details", containsString("<oops>"));
        assertThat(scenario.routesFileContent()).isEqualTo(BROKEN);
    }

    @Test
    void aDeletedRoutesFileKeepsItsRoutesInForceAndIsReportedUntilItIsBack() throws Exception {
        String content = scenario.routesFileContent();
        Files.delete(scenario.routesFile());
        Thread.sleep(IN_FORCE_WITHIN.toMillis());

        assertThat(deliveredTo("user@acme.test")).isEqualTo("old");
        healthCheck().statusCode(503).body("cause", containsString("was deleted"));
        given().spec(scenario.webAdmin()).body("{\"hosts\":[{\"host\":\"127.0.0.3\"}]}").put("/delivery-routes/domains/globex.test")
            .then()
            .statusCode(409)
            .body("details", containsString("was deleted"));
        assertThat(scenario.routesFile()).doesNotExist();

        scenario.writeRoutesFile(content);
        Thread.sleep(IN_FORCE_WITHIN.toMillis());
        healthCheck().statusCode(200).body("status", equalTo("healthy"));
    }
}
