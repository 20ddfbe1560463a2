package io.github.tiereddelivery.testing;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.tiereddelivery.smtp.Envelope;
import io.github.tiereddelivery.smtp.SmtpClientSettings;
import io.github.tiereddelivery.smtp.SmtpConnection;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.Socket;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class ReceivingSmtpServerTest {

    private static final String MESSAGE = "Message-ID: <42@sender.test>\r\nSubject: a folded\r\n subject\r\n"
        + "X-Empty:\r\n\r\nMessage-ID: <not-a-header@body>\r\n";

    private ReceivingSmtpServer server;

    @BeforeEach
    void startServer() throws IOException {
        server = ReceivingSmtpServer.start("127.0.0.4", 0);
    }

    @AfterEach
    void stopServer() {
        server.stop();
    }

    private void deliver(String... recipients) throws IOException {
        SmtpClientSettings settings = SmtpClientSettings.builder().heloName("client.test")
            .readTimeout(Duration.ofSeconds(2)).build();
        try (SmtpConnection connection = SmtpConnection.open(server.socketAddress(), "mx.test", settings)) {
            connection.send(Envelope.of("alice@sender.test", recipients), out -> out.write(MESSAGE.getBytes(UTF_8)));
        }
    }

    @Test
    void recordsTheMessageWithEnvelopeServerAndHeaders() throws IOException {
        deliver("bob@acme.test", "carol@acme.test");

        ReceivedMessage message = server.awaitMessages(1, Duration.ofSeconds(1)).get(0);
        assertThat(message.sender()).isEqualTo("alice@sender.test");
        assertThat(message.recipients()).containsExactly("bob@acme.test", "carol@acme.test");
        assertThat(message.messageId()).contains("<42@sender.test>");
        assertThat(message.header("subject")).contains("a folded subject");
        assertThat(message.header("X-Empty")).contains("");
        assertThat(message.header("Received")).isEmpty();
        assertThat(message.serverAddress()).isEqualTo(server.socketAddress());
        assertThat(message.arrival()).isNotNull();
        assertThat(server.transactionCount()).isEqualTo(1);
        assertThat(server.connectionCount()).isEqualTo(1);
    }

    @Test
    void stopRefusesNewConnectionsAndRestartListensOnTheSamePortAgain() throws IOException {
        int port = server.port();

        server.stop();
        assertThatThrownBy(() -> new Socket(server.address(), port).close()).isInstanceOf(ConnectException.class);

        server.restart();
        assertThat(server.port()).isEqualTo(port);
        deliver("bob@acme.test");
        assertThat(server.messageCount()).isEqualTo(1);
    }

    @Test
    void stopAndRestartAreIdempotent() throws IOException {
        server.restart();
        server.stop();
        server.stop();

        assertThat(server.isRunning()).isFalse();
    }

    @Test
    void stopClosesOpenConnections() throws IOException {
        try (Socket client = new Socket(server.address(), server.port())) {
            BufferedReader in = new BufferedReader(new InputStreamReader(client.getInputStream(), UTF_8));
            assertThat(in.readLine()).startsWith("220 ");

            server.stop();

            assertThat(in.read()).isEqualTo(-1);
        }
        assertThat(server.openConnectionCount()).isZero();
    }

    @Test
    void serversOnDifferentLoopbackAddressesShareAPort() throws IOException {
        try (ReceivingSmtpServer second = ReceivingSmtpServer.start("127.0.0.5", server.port())) {
            assertThat(second.port()).isEqualTo(server.port());
            assertThat(second.address()).isNotEqualTo(server.address());
        }
    }

    @Test
    void negativeGreetingOtherThan421AnswersEveryCommandButQuitWith503() throws IOException {
        server.behave(Behaviour.builder().greeting("554 5.3.2 not now").build());

        try (Socket client = new Socket(server.address(), server.port())) {
            BufferedReader in = new BufferedReader(new InputStreamReader(client.getInputStream(), UTF_8));
            OutputStream out = client.getOutputStream();
            assertThat(in.readLine()).isEqualTo("554 5.3.2 not now");
            out.write("EHLO client.test\r\n".getBytes(UTF_8));
            assertThat(in.readLine()).startsWith("503 ");
            out.write("QUIT\r\n".getBytes(UTF_8));
            assertThat(in.readLine()).startsWith("221 ");
            assertThat(in.read()).isEqualTo(-1);
        }
    }

    @Test
    void overLongCommandLineIsAnsweredWith500AndTheConnectionClosed() throws IOException {
        try (Socket client = new Socket(server.address(), server.port())) {
            BufferedReader in = new BufferedReader(new InputStreamReader(client.getInputStream(), UTF_8));
            in.readLine();
            client.getOutputStream().write(("NOOP " + "x".repeat(ReceivingSmtpServer.MAX_COMMAND_BYTES))
                .getBytes(UTF_8));

            assertThat(in.readLine()).startsWith("500 ");
            assertThat(in.read()).isEqualTo(-1);
        }
    }

    @Test
    void replyDelayDelaysEveryReply() throws IOException {
        server.behave(Behaviour.builder().replyDelay(Duration.ofMillis(100)).build());
        long start = System.nanoTime();

        deliver("bob@acme.test");

        // greeting, EHLO, MAIL+RCPT, DATA, end of data, QUIT: at least six delayed replies
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(600));
    }

    @Test
    void awaitMessagesFailsWithWhatArrived() {
        assertThatThrownBy(() -> server.awaitMessages(1, Duration.ofMillis(50)))
            .isInstanceOf(AssertionError.class)
            .hasMessageContaining("expected 1 messages at 127.0.0.4:" + server.port())
            .hasMessageContaining("got 0");
    }

    @Test
    void clearForgetsMessagesCommandsAndCounters() throws IOException {
        deliver("bob@acme.test");

        server.clear();

        assertThat(server.messages()).isEmpty();
        assertThat(server.commands()).isEmpty();
        assertThat(server.connectionCount()).isZero();
        assertThat(server.transactionCount()).isZero();
    }

    @Test
    void invalidReplyInABehaviourIsRefusedAtOnce() {
        assertThatThrownBy(() -> Behaviour.builder().mailReply("OK"))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("mailReply");
    }
}
