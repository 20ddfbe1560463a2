package io.github.tiereddelivery.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.github.tiereddelivery.it.support.DeliveryScenario;
import io.github.tiereddelivery.testing.Behaviour;
import io.github.tiereddelivery.testing.LogCapture;

/** {@code auth="NAME"}: SMTP AUTH with credentials from delivery-routes-secrets.properties, never sent in clear by default. */
class RouteAuthTest {
    @RegisterExtension
    static final DeliveryScenario scenario = DeliveryScenario.builder()
        .server("clear-allowed", "127.0.0.2")
        .server("tls-required", "127.0.0.3")
        .route("<route domain=\"clear.test\" auth=\"relay\" tls=\"none\"><host>[127.0.0.2]</host></route>")
        .route("<route domain=\"default.test\" auth=\"relay\"><host>[127.0.0.3]</host></route>")
        .confFile("delivery-routes-secrets.properties", "relay.username=gateway-user\nrelay.password=s3cret\n")
        // The SMTP dialogue is logged too: the credentials must not be in it either.
        .mailetParameter("debug", "true")
        .build();

    @BeforeEach
    void requireAuthentication() {
        Behaviour authenticated = Behaviour.builder().requireAuth("gateway-user", "s3cret").build();
        scenario.server("clear-allowed").behave(authenticated);
        scenario.server("tls-required").behave(authenticated);
    }

    @Test
    void theRouteAuthenticatesWithItsNamedCredentials() throws Exception {
        String sent = scenario.send("user@clear.test");

        scenario.awaitDelivered(1, Duration.ofSeconds(60), "clear-allowed");

        assertThat(scenario.receivedMessageIds("clear-allowed")).containsExactly(sent);
    }

    @Test
    void credentialsAreNotSentWithoutTlsUnlessTheRouteSaysTlsNone() throws Exception {
        scenario.send("user@default.test");

        // The server offers no STARTTLS: the route's implicit tls="required" refuses to go on, before any AUTH.
        Awaitility.await().atMost(Duration.ofSeconds(30))
            .until(() -> scenario.server("tls-required").connectionCount() >= 1
                && scenario.server("tls-required").openConnectionCount() == 0);
        assertThat(scenario.server("tls-required").commandLines()).noneMatch(line -> line.toUpperCase().startsWith("AUTH"));
        assertThat(scenario.server("tls-required").messageCount()).isZero();
    }

    @Test
    void theCredentialsAppearInNoLogLine() throws Exception {
        String authPlain = Base64.getEncoder().encodeToString("\0gateway-user\0s3cret".getBytes(StandardCharsets.UTF_8));
        try (LogCapture log = LogCapture.everything()) {
            scenario.send("user@clear.test");
            scenario.awaitDelivered(1, Duration.ofSeconds(60), "clear-allowed");

            assertThat(log.texts()).anyMatch(text -> text.contains("C: AUTH PLAIN (credentials hidden)"));
            assertThat(log.texts()).noneMatch(text -> text.contains("s3cret") || text.contains(authPlain));
        }
    }
}
