package io.github.tiereddelivery.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.github.tiereddelivery.it.support.DeliveryScenario;
import io.github.tiereddelivery.testing.Behaviour;
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
    void requiredTlsNeverSendsInClearToAServerThatDoesNotOfferStartTls() throws Exception {
        String sent = scenario.send("user@stripped.test");

        scenario.awaitDelivered(1, Duration.ofSeconds(60), ALL);

        assertThat(scenario.server("plain").connectionCount()).isEqualTo(1);
        assertThat(scenario.server("plain").commandLines()).noneMatch(line -> line.startsWith("MAIL"));
        assertThat(scenario.receivedMessageIds("trusted")).containsExactly(sent);
    }
}
