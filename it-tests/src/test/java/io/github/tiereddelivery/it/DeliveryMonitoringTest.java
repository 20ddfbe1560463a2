package io.github.tiereddelivery.it;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import io.github.tiereddelivery.it.support.DeliveryScenario;
import io.github.tiereddelivery.testing.LogCapture;
import io.restassured.path.json.JsonPath;
import io.restassured.response.ValidatableResponse;
import io.restassured.specification.RequestSpecification;

/**
 * Issue 4, "Health, metrics, audit", followed through a primary that fails: WebAdmin's {@code /delivery-routes/health},
 * James' {@code /healthcheck} ("Tiered Delivery"), James' {@code /metrics} and the audit line of every attempt.
 */
class DeliveryMonitoringTest {
    private static final String[] ALL = {"primary", "backup"};

    @RegisterExtension
    static final DeliveryScenario scenario = DeliveryScenario.builder()
        .server("primary", "127.0.0.2")
        .server("backup", "127.0.0.3")
        .route("<route domain=\"acme.test\"><host preference=\"10\">[127.0.0.2]</host><host preference=\"20\">[127.0.0.3]</host></route>")
        .property("webadmin.properties", "extensions.routes",
            "io.github.tiereddelivery.webadmin.DeliveryRoutesRoutes,org.apache.james.webadmin.dropwizard.MetricsRoutes")
        .build();

    private static RequestSpecification webAdmin() {
        return given().spec(scenario.webAdmin());
    }

    private static void deliver(int count, String... servers) throws Exception {
        int before = scenario.servers().total(List.of(servers));
        scenario.send(count, "user@acme.test");
        scenario.awaitDelivered(before + count, Duration.ofSeconds(60), servers);
    }

    /** James' own health check of the product, {@code /healthcheck/checks/Tiered%20Delivery}. */
    private static ValidatableResponse healthCheck() {
        return webAdmin().get("/healthcheck/checks/{component}", "Tiered Delivery").then();
    }

    private static JsonPath health() {
        return webAdmin().get("/delivery-routes/health").then().statusCode(200).extract().jsonPath();
    }

    private static String server(String address) {
        return "find { it.address == '" + address + "' }";
    }

    @Test
    void healthShowsEveryServerSeenUpWithWhatItDelivered() throws Exception {
        deliver(2, ALL);

        JsonPath health = health();
        assertThat(health.getString(server("127.0.0.2") + ".state")).isEqualTo("up");
        assertThat(health.getInt(server("127.0.0.2") + ".port")).isEqualTo(scenario.servers().port());
        assertThat(health.getLong(server("127.0.0.2") + ".deliveredRecipients")).isEqualTo(2);
        assertThat(health.getLong(server("127.0.0.2") + ".failures")).isZero();
        assertThat(health.getString(server("127.0.0.2") + ".lastSeen")).isNotNull();
    }

    @Test
    void healthShowsAServerThatWentDownUntilWhenWithItsLastError() throws Exception {
        scenario.server("primary").stop();

        deliver(1, "backup");

        JsonPath health = health();
        assertThat(health.getString(server("127.0.0.2") + ".state")).isEqualTo("down");
        assertThat(health.getString(server("127.0.0.2") + ".downUntil")).isNotNull();
        assertThat(health.getString(server("127.0.0.2") + ".lastError")).contains("refused");
        assertThat(health.getInt(server("127.0.0.2") + ".consecutiveFailures")).isEqualTo(1);
        assertThat(health.getLong(server("127.0.0.2") + ".failures")).isEqualTo(1);
        assertThat(health.getLong(server("127.0.0.2") + ".sessions")).as("a refused connection is no session held").isZero();
        assertThat(health.getList(server("127.0.0.2") + ".hostnames", String.class))
            .containsExactly(health.getString(server("127.0.0.2") + ".hostname"));
        assertThat(health.getString(server("127.0.0.3") + ".state")).isEqualTo("up");
        assertThat(health.getLong(server("127.0.0.3") + ".deliveredRecipients")).isEqualTo(1);
    }

    @Test
    void deletingHealthForgetsEveryServerSoThatAllAreTriedInTheirPlaceAgain() throws Exception {
        scenario.server("primary").stop();
        deliver(1, "backup");
        scenario.server("primary").restart();

        webAdmin().delete("/delivery-routes/health").then().statusCode(204);

        webAdmin().get("/delivery-routes/health").then().statusCode(200).body("$", empty());
        deliver(1, ALL);
        assertThat(scenario.server("primary").messageCount()).isEqualTo(1);
    }

    @Test
    void jamesHealthCheckIsDegradedWhileTheFirstTierIsDownAndUnhealthyWhenNoServerIsUp() throws Exception {
        deliver(1, ALL);
        healthCheck().statusCode(200).body("status", equalTo("healthy"));

        scenario.server("primary").stop();
        deliver(1, "backup");
        healthCheck()
            .body("componentName", equalTo("Tiered Delivery"))
            .body("status", equalTo("degraded"))
            .body("cause", containsString("the first tier is down"));

        scenario.server("backup").stop();
        scenario.send("user@acme.test");
        Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
            healthCheck()
                .statusCode(503)
                .body("status", equalTo("unhealthy"))
                .body("cause", containsString("no server up")));
    }

    @Test
    void metricsCountDeliveriesAndFailOversPerRouteAndServer() throws Exception {
        Map<String, Double> before = metrics();

        deliver(3, ALL);
        scenario.server("primary").stop();
        deliver(2, "backup");

        Map<String, Double> after = metrics();
        int port = scenario.servers().port();
        assertThat(increase(before, after, "tieredDelivery_delivered_route_acme_test_total")).isEqualTo(5);
        assertThat(increase(before, after, "tieredDelivery_failover_route_acme_test_total")).isEqualTo(2);
        assertThat(increase(before, after, "tieredDelivery_delivered_server_127_0_0_2_" + port + "_total")).isEqualTo(3);
        assertThat(increase(before, after, "tieredDelivery_delivered_server_127_0_0_3_" + port + "_total")).isEqualTo(2);
        assertThat(increase(before, after, "tieredDelivery_failed_server_127_0_0_2_" + port + "_total")).isEqualTo(1);
        assertThat(increase(before, after, "tieredDelivery_latency_route_acme_test_count")).isGreaterThanOrEqualTo(5);
    }

    @Test
    void everyAttemptLogsOneInfoLineWithItsFactsInTheMdc() throws Exception {
        scenario.server("primary").stop();
        try (LogCapture log = LogCapture.of("io.github.tiereddelivery.delivery.MailDelivrer")) {
            deliver(1, "backup");

            List<ILoggingEvent> attempts = log.events().stream()
                .filter(event -> event.getLevel() == Level.INFO && event.getMDCPropertyMap().containsKey("outcome"))
                .toList();
            assertThat(attempts).hasSize(2);
            assertThat(attempts.get(0).getMDCPropertyMap())
                .containsEntry("route", attempts.get(1).getMDCPropertyMap().get("route"))
                .containsEntry("tier", "10")
                .containsEntry("address", "127.0.0.2:" + scenario.servers().port())
                .containsKeys("mail", "server", "reply")
                .hasEntrySatisfying("outcome", outcome -> assertThat(outcome).startsWith("server-failed"));
            assertThat(attempts.get(1).getMDCPropertyMap())
                .containsEntry("tier", "20")
                .containsEntry("address", "127.0.0.3:" + scenario.servers().port())
                .hasEntrySatisfying("outcome", outcome -> assertThat(outcome).startsWith("delivered"))
                .hasEntrySatisfying("reply", reply -> assertThat(reply).startsWith("250"));
            assertThat(attempts.get(1).getFormattedMessage()).contains("route acme.test", "tier 20", "delivered");
        }
    }

    /** James' {@code /metrics} (Prometheus text format): every sample by name. */
    private static Map<String, Double> metrics() {
        String text = given().spec(scenario.webAdmin()).accept("text/plain").get("/metrics").then().statusCode(200).extract().asString();
        Matcher sample = Pattern.compile("(?m)^([A-Za-z_:][A-Za-z0-9_:]*) ([0-9.Ee+-]+)$").matcher(text);
        Map<String, Double> samples = new HashMap<>();
        while (sample.find()) {
            samples.put(sample.group(1), Double.parseDouble(sample.group(2)));
        }
        return samples;
    }

    private static double increase(Map<String, Double> before, Map<String, Double> after, String name) {
        assertThat(after).as("metric %s", name).containsKey(name);
        return after.get(name) - before.getOrDefault(name, 0.0);
    }
}
