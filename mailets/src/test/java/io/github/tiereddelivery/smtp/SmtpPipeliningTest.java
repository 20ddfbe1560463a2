package io.github.tiereddelivery.smtp;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.github.tiereddelivery.testing.Behaviour;
import io.github.tiereddelivery.testing.ReceivingSmtpServer;

/**
 * PIPELINING (RFC 2920) counted in round trips: the test server answers a group of commands when no more input is
 * waiting, so each group of replies it sends is one round trip for the client.
 */
@Timeout(10)
class SmtpPipeliningTest {

    private static final String MESSAGE = "Message-ID: <1@sender.test>\r\nSubject: hello\r\n\r\nHello\r\n";
    private static final MessageContent CONTENT = out -> out.write(MESSAGE.getBytes(UTF_8));

    private ReceivingSmtpServer server;

    @BeforeEach
    void startServer() throws IOException {
        server = ReceivingSmtpServer.start("127.0.0.2", 0);
    }

    @AfterEach
    void stopServer() {
        server.stop();
    }

    private SmtpConnection open() throws SmtpSessionException {
        return SmtpConnection.open(server.socketAddress(), "mx.acme.test", SmtpClientSettings.builder()
            .heloName("relay.sender.test")
            .connectTimeout(Duration.ofSeconds(2))
            .readTimeout(Duration.ofSeconds(2))
            .build());
    }

    /** Round trips the block took, as the server counts reply groups. */
    private int roundTrips(SmtpAction action) throws IOException {
        int before = server.replyBatchCount();
        action.run();
        return server.replyBatchCount() - before;
    }

    @FunctionalInterface
    private interface SmtpAction {
        void run() throws IOException;
    }

    @Test
    void mailEveryRcptAndDataTakeOneRoundTripAndTheMessageAnother() throws IOException {
        try (SmtpConnection connection = open()) {
            int roundTrips = roundTrips(() -> assertThat(connection.send(
                Envelope.of("alice@sender.test", "bob@acme.test", "carol@acme.test", "dave@acme.test"), CONTENT)
                .messageAccepted()).isTrue());

            assertThat(roundTrips).isEqualTo(2);
        }
        assertThat(server.messages()).singleElement()
            .satisfies(message -> assertThat(message.recipients()).hasSize(3));
    }

    @Test
    void theNextMessageOnTheSameConnectionNeedsNoRsetAfterACompletedTransaction() throws IOException {
        try (SmtpConnection connection = open()) {
            connection.send(Envelope.of("alice@sender.test", "bob@acme.test"), CONTENT);

            int roundTrips = roundTrips(() -> connection.send(Envelope.of("alice@sender.test", "carol@acme.test"), CONTENT));

            assertThat(roundTrips).isEqualTo(2);
        }
        assertThat(server.commandLines()).doesNotContain("RSET");
        assertThat(server.messageCount()).isEqualTo(2);
    }

    @Test
    void aTransactionLeftOpenCostsOneRsetRoundTripBeforeTheNext() throws IOException {
        server.behave(Behaviour.builder().rcptReply(address ->
            address.startsWith("gone") ? "550 5.1.1 unknown" : "250 2.1.5 OK").build());
        try (SmtpConnection connection = open()) {
            connection.send(Envelope.of("alice@sender.test", "gone@acme.test"), CONTENT);

            int roundTrips = roundTrips(() -> connection.send(Envelope.of("alice@sender.test", "bob@acme.test"), CONTENT));

            assertThat(roundTrips).isEqualTo(3);
        }
        assertThat(server.commandLines()).containsSubsequence("RCPT TO:<gone@acme.test>", "DATA", "RSET",
            "MAIL FROM:<alice@sender.test>");
    }

    @Test
    void eachRecipientGetsItsOwnReplyAndOnlyTheAcceptedOnesTheMessage() throws IOException {
        server.behave(Behaviour.builder().rcptReply(address -> switch (address) {
            case "full@acme.test" -> "452 4.2.2 mailbox full";
            case "gone@acme.test" -> "550 5.1.1 unknown";
            default -> "250 2.1.5 OK";
        }).build());

        TransactionResult result;
        try (SmtpConnection connection = open()) {
            result = connection.send(Envelope.of("alice@sender.test", "bob@acme.test", "full@acme.test",
                "gone@acme.test", "carol@acme.test"), CONTENT);
        }

        assertThat(result.recipientReplies()).containsExactly(
            Map.entry("bob@acme.test", SmtpReply.of(250, "2.1.5 OK")),
            Map.entry("full@acme.test", SmtpReply.of(452, "4.2.2 mailbox full")),
            Map.entry("gone@acme.test", SmtpReply.of(550, "5.1.1 unknown")),
            Map.entry("carol@acme.test", SmtpReply.of(250, "2.1.5 OK")));
        assertThat(result.messageAccepted()).isTrue();
        assertThat(server.messages()).singleElement()
            .satisfies(message -> assertThat(message.recipients()).containsExactly("bob@acme.test", "carol@acme.test"));
    }

    @Test
    void aRejectedSenderLeavesTheConnectionInStepForTheNextTransaction() throws IOException {
        server.behave(Behaviour.builder().mailReply("451 4.3.0 try again").build());
        try (SmtpConnection connection = open()) {
            TransactionResult refused = connection.send(Envelope.of("alice@sender.test", "bob@acme.test"), CONTENT);
            server.behave(Behaviour.normal());

            TransactionResult accepted = connection.send(Envelope.of("alice@sender.test", "bob@acme.test"), CONTENT);

            assertThat(refused.mailReply().code()).isEqualTo(451);
            assertThat(accepted.messageAccepted()).isTrue();
        }
        assertThat(server.messageCount()).isEqualTo(1);
    }

    @Test
    void dataAcceptedWithoutAnyAcceptedRecipientIsEndedAtOnceWithAnEmptyMessage() throws Exception {
        List<String> received = new ArrayList<>();
        try (ScriptedPeer peer = ScriptedPeer.start("127.0.0.3", p -> {
            p.greetAndAnswerEhlo("PIPELINING");
            for (int i = 0; i < 3; i++) {
                received.add(p.readLine());
            }
            p.send("250 2.1.0 OK\r\n550 5.1.1 unknown\r\n354 go ahead\r\n");
            received.add(p.readLine());
            p.send("554 5.5.1 no valid recipients\r\n");
            p.readUntilClientIsGone();
        })) {
            TransactionResult result;
            try (SmtpConnection connection = SmtpConnection.open(peer.address(), "127.0.0.3", SmtpClientSettings.builder()
                    .heloName("relay.sender.test").readTimeout(Duration.ofSeconds(2)).build())) {
                result = connection.send(Envelope.of("alice@sender.test", "gone@acme.test"), CONTENT);
                assertThat(connection.isUsable()).isTrue();
            }
            assertThat(peer.awaitClientGone(Duration.ofSeconds(2))).isTrue();

            assertThat(received).containsExactly("MAIL FROM:<alice@sender.test>", "RCPT TO:<gone@acme.test>", "DATA", ".");
            assertThat(result.acceptedRecipients()).isEmpty();
            assertThat(result.messageAccepted()).isFalse();
        }
    }
}
