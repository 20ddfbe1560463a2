package io.github.tiereddelivery.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

import org.awaitility.Awaitility;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.github.tiereddelivery.it.support.DeliveryScenario;
import io.github.tiereddelivery.it.support.TieredDeliveryProbe;
import io.github.tiereddelivery.delivery.ServerHealth;
import io.github.tiereddelivery.testing.Behaviour;
import io.github.tiereddelivery.testing.ReceivingSmtpServer;
import io.github.tiereddelivery.testing.TestCertificates;

/**
 * {@code tls="…"} per route against servers with self-signed certificates: opportunistic encrypts without verifying;
 * required verifies certificate and host name (against the {@code trustStore} parameter) and never sends in clear,
 * whatever the mailet's {@code verifyServerIdentity} says.
 */
class TlsTest {
    private static final TestCertificates UNTRUSTED = TestCertificates.forHost("mx.untrusted.test");
    private static final TestCertificates TRUSTED = TestCertificates.forHost("mx.trusted.test");
    private static final String[] ALL = {"untrusted", "trusted", "plain"};

    @RegisterExtension
    static final DeliveryScenario scenario = DeliveryScenario.builder()
        .server("untrusted", "127.0.0.2")
        .server("trusted", "127.0.0.3")
        .server("plain", "127.0.0.4")
        .dns(zone -> zone.a("mx.untrusted.test", "127.0.0.2").a("mx.trusted.test", "127.0.0.3").a("mx.plain.test", "127.0.0.4"))
        .route("<route domain=\"opportunistic.test\" tls=\"opportunistic\"><host>mx.untrusted.test</host></route>")
        .route("<route domain=\"verified.test\" tls=\"required\">"
            + "<host preference=\"10\">mx.untrusted.test</host><host preference=\"20\">mx.trusted.test</host></route>")
        .route("<route domain=\"stripped.test\" tls=\"required\">"
            + "<host preference=\"10\">mx.plain.test</host><host preference=\"20\">mx.trusted.test</host></route>")
        // The trusted server by its address: its certificate names mx.trusted.test, not 127.0.0.3.
        .route("<route domain=\"certname.test\" tls=\"required\"><host>[127.0.0.3]</host></route>")
        .route("<route domain=\"sharing.test\"><host>mx.trusted.test</host></route>")
        // A plain absolute path, as most write it (ImplicitTlsTest writes James' file:// form).
        .mailetParameter("trustStore", TRUSTED.trustStore().toAbsolutePath().toString())
        .mailetParameter("trustStorePassword", TestCertificates.PASSWORD)
        // Stock's host name check is off for the mailet: a route's tls="required" checks the host name all the same.
        .mailetParameter("verifyServerIdentity", "false")
        .build();


    @BeforeEach
    void offerStartTls() throws Exception {
        scenario.server("untrusted").behave(Behaviour.builder().startTls(UNTRUSTED.serverContext()).build());
        scenario.server("trusted").behave(Behaviour.builder().startTls(TRUSTED.serverContext()).build());
    }

    @Test
    void opportunisticTlsDeliversToASelfSignedServerEncrypted() throws Exception {
        String sent = scenario.send("user@opportunistic.test");

        scenario.awaitDelivered(1, Duration.ofSeconds(60), ALL);

        assertThat(scenario.server("untrusted").messages()).singleElement().satisfies(message -> {
            assertThat(message.messageId()).contains(sent);
            assertThat(message.tls()).isTrue();
        });
    }

    @Test
    void requiredTlsRefusesAnUntrustedCertificateAndFailsOverToAVerifiedServer() throws Exception {
        String sent = scenario.send("user@verified.test");

        scenario.awaitDelivered(1, Duration.ofSeconds(60), ALL);

        assertThat(scenario.server("untrusted").commandLines()).noneMatch(line -> line.startsWith("MAIL"));
        assertThat(scenario.server("trusted").messages()).singleElement().satisfies(message -> {
            assertThat(message.messageId()).contains(sent);
            assertThat(message.tls()).isTrue();
        });
    }

    @Test
    void requiredTlsRefusesATrustedCertificateThatNamesAnotherHostEvenWithVerifyServerIdentityFalse() throws Exception {
        // mx.untrusted.test now shows the trusted certificate, which names mx.trusted.test.
        scenario.server("untrusted").behave(Behaviour.builder().startTls(TRUSTED.serverContext()).build());

        String sent = scenario.send("user@verified.test");

        scenario.awaitDelivered(1, Duration.ofSeconds(60), ALL);
        assertThat(scenario.server("untrusted").commandLines()).noneMatch(line -> line.startsWith("MAIL"));
        assertThat(scenario.receivedMessageIds("trusted")).containsExactly(sent);
    }

    @Test
    void aCertificateThatDoesNotNameOneRoutesHostDoesNotPutTheServerDownForTheOtherRoutes() throws Exception {
        ReceivingSmtpServer trusted = scenario.server("trusted");
        scenario.send("user@certname.test");
        Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50))
            .until(() -> health().status(trusted.socketAddress()).isPresent());

        assertThat(health().status(trusted.socketAddress())).hasValueSatisfying(status ->
            assertThat(status.down()).as("it greeted and answered; only that route's TLS requirement was not met").isFalse());
        List<String> sent = scenario.send(10, "user@sharing.test");
        scenario.awaitDelivered(10, Duration.ofSeconds(60), ALL);
        assertThat(scenario.receivedMessageIds("trusted")).containsExactlyInAnyOrderElementsOf(sent);
        assertThat(trusted.commandLines()).as("nothing of certname.test's mail in clear").noneMatch(line -> line.contains("certname.test"));
    }

    private static ServerHealth health() {
        return scenario.james().probe(TieredDeliveryProbe.class).serverHealth();
    }

    @Test
    void requiredTlsNeverSendsInClearToAServerThatDoesNotOfferStartTls() throws Exception {
        String sent = scenario.send("user@stripped.test");

        scenario.awaitDelivered(1, Duration.ofSeconds(60), ALL);

        assertThat(scenario.server("plain").connectionCount()).isEqualTo(1);
        assertThat(scenario.server("plain").commandLines()).noneMatch(line -> line.startsWith("MAIL"));
        assertThat(scenario.receivedMessageIds("trusted")).containsExactly(sent);
    }
}
