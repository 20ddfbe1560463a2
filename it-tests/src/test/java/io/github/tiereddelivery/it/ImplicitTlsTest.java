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
 * Stock's {@code sslEnable}: SMTPS (TLS from the first byte, RFC 8314) to every server, the certificate chain verified
 * (against {@code trustStore}) as JavaMail does, except for the servers JavaMail's {@code mail.smtps.ssl.trust} names.
 */
class ImplicitTlsTest {
    private static final TestCertificates TRUSTED = TestCertificates.forHost("mx.trusted.test");
    private static final TestCertificates UNTRUSTED = TestCertificates.forHost("mx.untrusted.test");
    private static final TestCertificates LISTED = TestCertificates.forHost("mx.listed.test");
    private static final String[] ALL = {"trusted", "untrusted", "listed"};

    @RegisterExtension
    static final DeliveryScenario scenario = DeliveryScenario.builder()
        .server("trusted", "127.0.0.2")
        .server("untrusted", "127.0.0.3")
        .server("listed", "127.0.0.4")
        .dns(zone -> zone.a("mx.trusted.test", "127.0.0.2").a("mx.untrusted.test", "127.0.0.3").a("mx.listed.test", "127.0.0.4"))
        .route("<route domain=\"verified.test\"><host>mx.trusted.test</host></route>")
        .route("<route domain=\"failover.test\"><host preference=\"10\">mx.untrusted.test</host>"
            + "<host preference=\"20\">mx.trusted.test</host></route>")
        .route("<route domain=\"listed.test\"><host>mx.listed.test</host></route>")
        .mailetParameter("sslEnable", "true")
        .mailetParameter("trustStore", "file://" + TRUSTED.trustStore().toAbsolutePath())
        .mailetParameter("trustStorePassword", TestCertificates.PASSWORD)
        .mailetParameter("mail.smtps.ssl.trust", "mx.listed.test")
        .build();


    @BeforeEach
    void speakSmtpsOnly() throws Exception {
        scenario.server("trusted").behave(Behaviour.builder().implicitTls(TRUSTED.serverContext()).build());
        scenario.server("untrusted").behave(Behaviour.builder().implicitTls(UNTRUSTED.serverContext()).build());
        scenario.server("listed").behave(Behaviour.builder().implicitTls(LISTED.serverContext()).build());
    }

    @Test
    void sslEnableDeliversOverSmtpsToAServerWithATrustedCertificate() throws Exception {
        String sent = scenario.send("user@verified.test");

        scenario.awaitDelivered(1, Duration.ofSeconds(60), ALL);

        assertThat(scenario.server("trusted").messages()).singleElement().satisfies(message -> {
            assertThat(message.messageId()).contains(sent);
            assertThat(message.tls()).isTrue();
        });
    }

    @Test
    void sslEnableRefusesAnUntrustedCertificateAndFailsOver() throws Exception {
        String sent = scenario.send("user@failover.test");

        scenario.awaitDelivered(1, Duration.ofSeconds(60), ALL);

        assertThat(scenario.server("untrusted").commandLines()).isEmpty();
        assertThat(scenario.receivedMessageIds("trusted")).containsExactly(sent);
    }

    @Test
    void javaMailSslTrustLetsAListedServerWithASelfSignedCertificateTakeTheMail() throws Exception {
        String sent = scenario.send("user@listed.test");

        scenario.awaitDelivered(1, Duration.ofSeconds(60), ALL);

        assertThat(scenario.server("listed").messages()).singleElement().satisfies(message -> {
            assertThat(message.messageId()).contains(sent);
            assertThat(message.tls()).isTrue();
        });
    }
}
