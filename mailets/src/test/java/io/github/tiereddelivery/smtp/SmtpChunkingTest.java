package io.github.tiereddelivery.smtp;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.github.tiereddelivery.testing.Behaviour;
import io.github.tiereddelivery.testing.ReceivingSmtpServer;

/** CHUNKING (RFC 3030) with PIPELINING: a whole transaction in one round trip, counted at the server. */
@Timeout(20)
class SmtpChunkingTest {

    private static final String MESSAGE = "Message-ID: <1@sender.test>\r\nSubject: hello\r\n\r\nHello\r\n";
    private static final MessageContent CONTENT = out -> out.write(MESSAGE.getBytes(UTF_8));

    private ReceivingSmtpServer server;

    @BeforeEach
    void startServer() throws IOException {
        server = ReceivingSmtpServer.start("127.0.0.2", 0);
        server.behave(chunking().build());
    }

    @AfterEach
    void stopServer() {
        server.stop();
    }

    private static Behaviour.Builder chunking() {
        return Behaviour.builder().ehloCapabilities("PIPELINING", "CHUNKING", "8BITMIME", "ENHANCEDSTATUSCODES");
    }

    private SmtpConnection open() throws SmtpSessionException {
        return SmtpConnection.open(server.socketAddress(), "mx.acme.test", SmtpClientSettings.builder()
            .heloName("relay.sender.test")
            .connectTimeout(Duration.ofSeconds(2))
            .readTimeout(Duration.ofSeconds(5))
            .build());
    }

    private static MessageContent text(String text) {
        return out -> out.write(text.getBytes(UTF_8));
    }

    @Test
    void aWholeTransactionTakesOneRoundTrip() throws IOException {
        try (SmtpConnection connection = open()) {
            int before = server.replyBatchCount();

            TransactionResult result = connection.send(Envelope.of("alice@sender.test", "bob@acme.test", "carol@acme.test"),
                CONTENT);

            assertThat(server.replyBatchCount() - before).isEqualTo(1);
            assertThat(result.messageAccepted()).isTrue();
            assertThat(result.dataReply()).isEmpty();
        }
        assertThat(server.commandLines()).contains("BDAT " + MESSAGE.length() + " LAST").doesNotContain("DATA");
        assertThat(server.messages()).singleElement().satisfies(message -> {
            assertThat(message.contentAsString()).isEqualTo(MESSAGE);
            assertThat(message.recipients()).containsExactly("bob@acme.test", "carol@acme.test");
        });
    }

    @Test
    void theNextTransactionOnTheConnectionTakesOneRoundTripToo() throws IOException {
        try (SmtpConnection connection = open()) {
            connection.send(Envelope.of("alice@sender.test", "bob@acme.test"), CONTENT);
            int before = server.replyBatchCount();

            connection.send(Envelope.of("alice@sender.test", "carol@acme.test"), CONTENT);

            assertThat(server.replyBatchCount() - before).isEqualTo(1);
        }
        assertThat(server.messageCount()).isEqualTo(2);
        assertThat(server.commandLines()).doesNotContain("RSET");
    }

    @Test
    void lineEndsBecomeCrlfAndLinesStartingWithADotAreSentAsTheyAre() throws IOException {
        try (SmtpConnection connection = open()) {
            connection.send(Envelope.of("alice@sender.test", "bob@acme.test"), text("Subject: x\n\n.hidden\r.\nlast"));
        }

        assertThat(server.messages()).singleElement()
            .satisfies(message -> assertThat(message.contentAsString()).isEqualTo("Subject: x\r\n\r\n.hidden\r\n.\r\nlast\r\n"));
    }

    @Test
    void aMessageLargerThanAChunkGoesInSeveralChunksAndArrivesWhole() throws IOException {
        String line = "x".repeat(98) + "\r\n";
        String large = "Subject: large\r\n\r\n" + line.repeat(25_000);

        try (SmtpConnection connection = open()) {
            TransactionResult result = connection.send(Envelope.of("alice@sender.test", "bob@acme.test"), text(large));

            assertThat(result.messageAccepted()).isTrue();
        }

        assertThat(server.commandLines()).filteredOn(command -> command.startsWith("BDAT"))
            .containsExactly("BDAT 1048576", "BDAT 1048576", "BDAT " + (large.length() - 2 * 1048576) + " LAST");
        assertThat(server.messages()).singleElement()
            .satisfies(message -> assertThat(message.contentAsString()).isEqualTo(large));
    }

    @Test
    void eachRecipientGetsItsOwnReplyAndOnlyTheAcceptedOnesTheMessage() throws IOException {
        server.behave(chunking().rcptReply(address -> switch (address) {
            case "full@acme.test" -> "452 4.2.2 mailbox full";
            case "gone@acme.test" -> "550 5.1.1 unknown";
            default -> "250 2.1.5 OK";
        }).build());

        TransactionResult result;
        try (SmtpConnection connection = open()) {
            result = connection.send(Envelope.of("alice@sender.test", "bob@acme.test", "full@acme.test", "gone@acme.test"),
                CONTENT);
        }

        assertThat(result.recipientReplies()).containsExactly(
            Map.entry("bob@acme.test", SmtpReply.of(250, "2.1.5 OK")),
            Map.entry("full@acme.test", SmtpReply.of(452, "4.2.2 mailbox full")),
            Map.entry("gone@acme.test", SmtpReply.of(550, "5.1.1 unknown")));
        assertThat(result.messageAccepted()).isTrue();
        assertThat(server.messages()).singleElement()
            .satisfies(message -> assertThat(message.recipients()).containsExactly("bob@acme.test"));
    }

    @Test
    void noAcceptedRecipientDeliversNothingAndTheNextTransactionStartsWithRset() throws IOException {
        server.behave(chunking().rcptReply(address ->
            address.startsWith("gone") ? "550 5.1.1 unknown" : "250 2.1.5 OK").build());
        try (SmtpConnection connection = open()) {
            TransactionResult refused = connection.send(Envelope.of("alice@sender.test", "gone@acme.test"), CONTENT);
            TransactionResult accepted = connection.send(Envelope.of("alice@sender.test", "bob@acme.test"), CONTENT);

            assertThat(refused.acceptedRecipients()).isEmpty();
            assertThat(refused.messageAccepted()).isFalse();
            assertThat(accepted.messageAccepted()).isTrue();
        }
        assertThat(server.messages()).singleElement()
            .satisfies(message -> assertThat(message.recipients()).containsExactly("bob@acme.test"));
        assertThat(server.commandLines()).containsSubsequence("RCPT TO:<gone@acme.test>", "RSET", "MAIL FROM:<alice@sender.test>");
    }

    @Test
    void aRefusedMessageIsReportedAndTheSessionStaysInStep() throws IOException {
        server.behave(chunking().endOfDataReply("554 5.7.1 looks like spam").build());
        try (SmtpConnection connection = open()) {
            TransactionResult refused = connection.send(Envelope.of("alice@sender.test", "bob@acme.test"), CONTENT);
            server.behave(chunking().build());

            TransactionResult accepted = connection.send(Envelope.of("alice@sender.test", "bob@acme.test"), CONTENT);

            assertThat(refused.messageReply()).contains(SmtpReply.of(554, "5.7.1 looks like spam"));
            assertThat(accepted.messageAccepted()).isTrue();
            assertThat(connection.isUsable()).isTrue();
        }
        assertThat(server.messageCount()).isEqualTo(1);
    }

    @Test
    void aRejectedSenderReadsEveryReplyAndLeavesTheSessionInStep() throws IOException {
        server.behave(chunking().mailReply("451 4.3.0 try again").build());
        try (SmtpConnection connection = open()) {
            TransactionResult refused = connection.send(Envelope.of("alice@sender.test", "bob@acme.test"), CONTENT);
            server.behave(chunking().build());

            TransactionResult accepted = connection.send(Envelope.of("alice@sender.test", "bob@acme.test"), CONTENT);

            assertThat(refused.mailReply().code()).isEqualTo(451);
            assertThat(refused.recipientReplies()).isEmpty();
            assertThat(accepted.messageAccepted()).isTrue();
        }
        assertThat(server.messageCount()).isEqualTo(1);
    }

    @Test
    void a421ClosesTheConnection() throws IOException {
        server.behave(chunking().mailReply("421 4.3.2 shutting down").build());
        try (SmtpConnection connection = open()) {
            TransactionResult result = connection.send(Envelope.of("alice@sender.test", "bob@acme.test"), CONTENT);

            assertThat(result.mailReply().code()).isEqualTo(421);
            assertThat(connection.isUsable()).isFalse();
        }
    }

    @Test
    void failingMessageContentIsNotBlamedOnTheServerAndNothingIsDelivered() throws IOException {
        try (SmtpConnection connection = open()) {
            SmtpSessionException failure = catchThrowableOfType(() -> connection.send(
                Envelope.of("alice@sender.test", "bob@acme.test"), out -> {
                    out.write("Subject: half\r\n".getBytes(UTF_8));
                    throw new IOException("message store unavailable");
                }), SmtpSessionException.class);

            assertThat(failure.messageContentFailed()).isTrue();
            assertThat(connection.isUsable()).isFalse();
        }
        server.awaitOpenConnections(0, Duration.ofSeconds(5));
        assertThat(server.messageCount()).isZero();
    }

    @Test
    void withoutPipeliningChunkingIsNotUsed() throws IOException {
        server.behave(Behaviour.builder().ehloCapabilities("CHUNKING", "8BITMIME").build());
        try (SmtpConnection connection = open()) {
            connection.send(Envelope.of("alice@sender.test", "bob@acme.test"), CONTENT);
        }

        assertThat(server.commandLines()).contains("DATA").noneMatch(command -> command.startsWith("BDAT"));
        assertThat(server.messageCount()).isEqualTo(1);
    }
}
