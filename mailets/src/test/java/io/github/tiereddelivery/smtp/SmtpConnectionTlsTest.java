package io.github.tiereddelivery.smtp;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.InputStream;
import java.nio.file.Files;
import java.security.KeyStore;
import java.time.Duration;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.github.tiereddelivery.testing.Behaviour;
import io.github.tiereddelivery.testing.ReceivingSmtpServer;
import io.github.tiereddelivery.testing.TestCertificates;

/** STARTTLS (RFC 3207) and SMTPS (RFC 8314) against a server with a self-signed certificate for mx.tls.test. */
class SmtpConnectionTlsTest {
    private static final String SERVER_NAME = "mx.tls.test";
    private static final String MESSAGE = "Message-ID: <tls@sender.test>\r\nSubject: hello\r\n\r\nHello\r\n";

    private static TestCertificates certificates;
    private ReceivingSmtpServer server;

    @BeforeAll
    static void makeCertificate() throws Exception {
        certificates = TestCertificates.selfSigned(SERVER_NAME);
    }

    @BeforeEach
    void startServer() throws Exception {
        server = ReceivingSmtpServer.start("127.0.0.2", 0);
        server.behave(Behaviour.builder().startTls(certificates.serverContext()).build());
    }

    @AfterEach
    void stopServer() {
        server.stop();
    }

    private static SmtpClientSettings.Builder settings(StartTlsPolicy policy) {
        return SmtpClientSettings.builder()
            .heloName("relay.sender.test")
            .connectTimeout(Duration.ofSeconds(2))
            .readTimeout(Duration.ofSeconds(5))
            .startTls(policy);
    }

    private static SSLContext trusting() throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(certificates.trustStore())) {
            trust.load(in, TestCertificates.PASSWORD.toCharArray());
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, factory.getTrustManagers(), null);
        return context;
    }

    private void send(SmtpClientSettings.Builder settings, String serverName) throws Exception {
        try (SmtpConnection connection = SmtpConnection.open(server.socketAddress(), serverName, settings.build())) {
            assertThat(connection.isTlsActive()).isTrue();
            connection.send(Envelope.of("a@sender.test", "b@acme.test"), out -> out.write(MESSAGE.getBytes(UTF_8)));
        }
    }

    private void sendInClearTextWithOpportunisticTls() throws Exception {
        try (SmtpConnection connection = SmtpConnection.open(server.socketAddress(), SERVER_NAME,
                settings(StartTlsPolicy.OPPORTUNISTIC).verifyCertificates(false).build())) {
            assertThat(connection.isTlsActive()).isFalse();
            connection.send(Envelope.of("a@sender.test", "b@acme.test"), out -> out.write(MESSAGE.getBytes(UTF_8)));
        }
    }

    @Test
    void opportunisticTlsEncryptsWithoutVerifyingTheCertificate() throws Exception {
        send(settings(StartTlsPolicy.OPPORTUNISTIC).verifyCertificates(false), SERVER_NAME);

        assertThat(server.awaitMessages(1, Duration.ofSeconds(5))).singleElement()
            .satisfies(message -> assertThat(message.tls()).isTrue());
    }

    @Test
    void opportunisticTlsGoesOnInClearTextWhenTheServerRefusesStartTls() throws Exception {
        server.behave(Behaviour.builder().ehloCapabilities("PIPELINING", "STARTTLS").build());

        sendInClearTextWithOpportunisticTls();

        assertThat(server.awaitMessages(1, Duration.ofSeconds(5))).singleElement()
            .satisfies(message -> assertThat(message.tls()).isFalse());
        assertThat(server.connectionCount()).as("the same session").isEqualTo(1);
    }

    @Test
    void opportunisticTlsDeliversInClearTextOverANewConnectionAfterAFailedHandshake() throws Exception {
        server.behave(Behaviour.builder().breakTlsHandshake().build());

        sendInClearTextWithOpportunisticTls();

        assertThat(server.awaitMessages(1, Duration.ofSeconds(5))).singleElement()
            .satisfies(message -> assertThat(message.tls()).isFalse());
        assertThat(server.connectionCount()).isEqualTo(2);
    }

    @Test
    void requiredTlsNeverFallsBackToClearTextAfterAFailedHandshake() {
        server.behave(Behaviour.builder().breakTlsHandshake().build());

        SmtpSessionException failure = catchThrowableOfType(
            () -> send(settings(StartTlsPolicy.REQUIRED).verifyCertificates(false), SERVER_NAME), SmtpSessionException.class);

        assertThat(failure.stage()).isEqualTo(Stage.STARTTLS);
        assertThat(failure.requirementUnmet()).as("a broken handshake is the server's failure").isFalse();
        assertThat(server.connectionCount()).isEqualTo(1);
        assertThat(server.commandLines()).noneMatch(line -> line.startsWith("MAIL"));
    }

    @Test
    void requiredTlsRefusesAnUntrustedCertificateBeforeAnyMailCommand() {
        SmtpSessionException failure = catchThrowableOfType(
            () -> send(settings(StartTlsPolicy.REQUIRED).verifyCertificates(true), SERVER_NAME), SmtpSessionException.class);

        assertThat(failure.stage()).isEqualTo(Stage.STARTTLS);
        assertThat(failure.getMessage()).contains("TLS handshake failed: the server's certificate is not trusted")
            .doesNotContain("sun.security", "Exception");
        assertThat(server.commandLines()).noneMatch(line -> line.startsWith("MAIL"));
    }

    @Test
    void anUntrustedCertificateIsThisSessionsRequirementUnmetNotAFailureOfTheServer() {
        SmtpSessionException failure = catchThrowableOfType(
            () -> send(settings(StartTlsPolicy.REQUIRED).verifyCertificates(true), SERVER_NAME), SmtpSessionException.class);

        assertThat(failure.requirementUnmet()).isTrue();
        assertThat(failure.timedOut()).isFalse();
    }

    @Test
    void aCertificateForAnotherHostNameIsThisSessionsRequirementUnmetNotAFailureOfTheServer() {
        SmtpSessionException failure = catchThrowableOfType(
            () -> send(settings(StartTlsPolicy.REQUIRED).verifyCertificates(true).sslContext(trusting()), "other.tls.test"),
            SmtpSessionException.class);

        assertThat(failure.requirementUnmet()).isTrue();
    }

    @Test
    void startTlsNotOfferedToARouteRequiringItIsThisSessionsRequirementUnmet() {
        server.behave(Behaviour.normal());

        SmtpSessionException failure = catchThrowableOfType(
            () -> send(settings(StartTlsPolicy.REQUIRED).verifyCertificates(true), SERVER_NAME), SmtpSessionException.class);

        assertThat(failure.requirementUnmet()).isTrue();
    }

    @Test
    void startTlsRefusedToARouteRequiringItIsThisSessionsRequirementUnmet() {
        server.behave(Behaviour.builder().refuseStartTls("454 4.7.0 TLS not available").build());

        SmtpSessionException failure = catchThrowableOfType(
            () -> send(settings(StartTlsPolicy.REQUIRED).verifyCertificates(true), SERVER_NAME), SmtpSessionException.class);

        assertThat(failure.stage()).isEqualTo(Stage.STARTTLS);
        assertThat(failure.reply()).isPresent();
        assertThat(failure.requirementUnmet()).isTrue();
    }

    @Test
    void startTlsAnsweredWith421IsAFailureOfTheServer() {
        server.behave(Behaviour.builder().refuseStartTls("421 4.3.2 shutting down").build());

        SmtpSessionException failure = catchThrowableOfType(
            () -> send(settings(StartTlsPolicy.REQUIRED).verifyCertificates(true), SERVER_NAME), SmtpSessionException.class);

        assertThat(failure.reply()).hasValueSatisfying(reply -> assertThat(reply.code()).isEqualTo(421));
        assertThat(failure.requirementUnmet()).as("RFC 5321 4.2.2: the server is closing").isFalse();
    }

    @Test
    void aConnectionDroppedAtStartTlsIsAFailureOfTheServer() throws Exception {
        server.behave(Behaviour.builder().startTls(certificates.serverContext()).dropAt(Stage.STARTTLS).build());

        SmtpSessionException failure = catchThrowableOfType(
            () -> send(settings(StartTlsPolicy.REQUIRED).verifyCertificates(true), SERVER_NAME), SmtpSessionException.class);

        assertThat(failure.stage()).isEqualTo(Stage.STARTTLS);
        assertThat(failure.requirementUnmet()).isFalse();
    }

    @Test
    void requiredTlsDeliversWhenTheCertificateIsTrusted() throws Exception {
        send(settings(StartTlsPolicy.REQUIRED).verifyCertificates(true).sslContext(trusting()), SERVER_NAME);

        assertThat(server.awaitMessages(1, Duration.ofSeconds(5))).singleElement()
            .satisfies(message -> assertThat(message.tls()).isTrue());
    }

    @Test
    void requiredTlsRefusesACertificateForAnotherHostName() {
        SmtpSessionException failure = catchThrowableOfType(
            () -> send(settings(StartTlsPolicy.REQUIRED).verifyCertificates(true).sslContext(trusting()), "other.tls.test"),
            SmtpSessionException.class);

        assertThat(failure.stage()).isEqualTo(Stage.STARTTLS);
        assertThat(failure.getMessage()).contains("TLS handshake failed: the server's certificate does not name other.tls.test");
        assertThat(server.messageCount()).isZero();
    }

    @Test
    void withoutTheHostNameCheckATrustedCertificateForAnotherNameIsAccepted() throws Exception {
        send(settings(StartTlsPolicy.REQUIRED).verifyCertificates(true).verifyHostName(false).sslContext(trusting()),
            "other.tls.test");

        assertThat(server.awaitMessages(1, Duration.ofSeconds(5))).singleElement()
            .satisfies(message -> assertThat(message.tls()).isTrue());
    }

    @Test
    void withoutTheHostNameCheckAnUntrustedCertificateIsStillRefused() {
        SmtpSessionException failure = catchThrowableOfType(
            () -> send(settings(StartTlsPolicy.REQUIRED).verifyCertificates(true).verifyHostName(false), SERVER_NAME),
            SmtpSessionException.class);

        assertThat(failure.stage()).isEqualTo(Stage.STARTTLS);
        assertThat(server.messageCount()).isZero();
    }

    @Test
    void requiredTlsNeverSendsInClearWhenTheServerDoesNotOfferIt() {
        server.behave(Behaviour.normal());

        SmtpSessionException failure = catchThrowableOfType(
            () -> send(settings(StartTlsPolicy.REQUIRED).verifyCertificates(true), SERVER_NAME), SmtpSessionException.class);

        assertThat(failure.stage()).isEqualTo(Stage.STARTTLS);
        assertThat(server.commandLines()).noneMatch(line -> line.startsWith("MAIL"));
    }

    @Test
    void implicitTlsDeliversToATrustedServerThatGreetsOnlyAfterTheHandshake() throws Exception {
        server.behave(Behaviour.builder().implicitTls(certificates.serverContext()).build());

        send(settings(StartTlsPolicy.NEVER).implicitTls(true).verifyCertificates(true).sslContext(trusting()), SERVER_NAME);

        assertThat(server.awaitMessages(1, Duration.ofSeconds(5))).singleElement()
            .satisfies(message -> assertThat(message.tls()).isTrue());
        assertThat(server.commandLines()).noneMatch(line -> line.startsWith("STARTTLS"));
    }

    @Test
    void implicitTlsRefusesAnUntrustedCertificateBeforeTheGreeting() throws Exception {
        server.behave(Behaviour.builder().implicitTls(certificates.serverContext()).build());

        SmtpSessionException failure = catchThrowableOfType(
            () -> send(settings(StartTlsPolicy.NEVER).implicitTls(true).verifyCertificates(true), SERVER_NAME),
            SmtpSessionException.class);

        assertThat(failure).isNotNull();
        assertThat(failure.stage()).isEqualTo(Stage.CONNECT);
        assertThat(failure.requirementUnmet()).isTrue();
        assertThat(server.commandLines()).isEmpty();
    }
}
