package io.github.tiereddelivery.smtp;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Map.entry;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.github.tiereddelivery.testing.Behaviour;
import io.github.tiereddelivery.testing.ReceivedMessage;
import io.github.tiereddelivery.testing.ReceivingSmtpServer;
import io.github.tiereddelivery.testing.ReceivingSmtpServer.Command;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.LoggerFactory;

@Timeout(10)
class SmtpConnectionTest {

    private static final String SERVER_IP = "127.0.0.2";
    private static final String MESSAGE = "Message-ID: <1@sender.test>\r\nSubject: hello\r\n\r\nHello Bob\r\n";
    private static final Duration SHORT = Duration.ofMillis(300);

    private ReceivingSmtpServer server;

    @BeforeEach
    void startServer() throws IOException {
        server = ReceivingSmtpServer.start(SERVER_IP, 0);
    }

    @AfterEach
    void stopServer() {
        server.stop();
    }

    private static SmtpClientSettings.Builder settings() {
        return SmtpClientSettings.builder()
            .heloName("relay.sender.test")
            .connectTimeout(Duration.ofSeconds(2))
            .readTimeout(Duration.ofSeconds(2));
    }

    private SmtpConnection open() throws SmtpSessionException {
        return open(settings());
    }

    private SmtpConnection open(SmtpClientSettings.Builder settings) throws SmtpSessionException {
        return SmtpConnection.open(server.socketAddress(), "mx.acme.test", settings.build());
    }

    private SmtpSessionException openFails(SmtpClientSettings.Builder settings) {
        return catchThrowableOfType(() -> open(settings).close(), SmtpSessionException.class);
    }

    private static MessageContent message(String text) {
        return out -> out.write(text.getBytes(UTF_8));
    }

    private TransactionResult sendOne(Envelope envelope) throws SmtpSessionException {
        try (SmtpConnection connection = open()) {
            return connection.send(envelope, message(MESSAGE));
        }
    }

    private Command command(String prefix) {
        return server.commands().stream()
            .filter(command -> command.line().startsWith(prefix))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no command " + prefix + " in " + server.commandLines()));
    }

    @Test
    void deliversAMessageToEveryAcceptedRecipient() throws IOException {
        TransactionResult result = sendOne(Envelope.of("alice@sender.test", "bob@acme.test", "carol@acme.test"));

        assertThat(result.messageAccepted()).isTrue();
        assertThat(result.acceptedRecipients()).containsExactly("bob@acme.test", "carol@acme.test");
        assertThat(result.messageReply()).contains(SmtpReply.of(250, "2.0.0 OK queued"));
        ReceivedMessage received = server.awaitMessages(1, Duration.ofSeconds(1)).get(0);
        assertThat(received.sender()).isEqualTo("alice@sender.test");
        assertThat(received.recipients()).containsExactly("bob@acme.test", "carol@acme.test");
        assertThat(received.contentAsString()).isEqualTo(MESSAGE);
        assertThat(received.messageId()).contains("<1@sender.test>");
    }

    @Test
    void withPipeliningSendsMailEveryRcptAndDataInOneWrite() throws IOException {
        sendOne(Envelope.of("alice@sender.test", "bob@acme.test", "carol@acme.test"));

        assertThat(command("MAIL FROM").pipelined()).isFalse();
        assertThat(command("RCPT TO:<bob").pipelined()).isTrue();
        assertThat(command("RCPT TO:<carol").pipelined()).isTrue();
        assertThat(command("DATA").pipelined()).as("DATA ends the pipelined group (RFC 2920 3.1)").isTrue();
    }

    @Test
    void withoutPipeliningWaitsForEachReply() throws IOException {
        server.behave(Behaviour.builder().ehloCapabilities("8BITMIME", "SIZE 1000000").build());

        TransactionResult result = sendOne(Envelope.of("alice@sender.test", "bob@acme.test", "carol@acme.test"));

        assertThat(result.messageAccepted()).isTrue();
        assertThat(server.commands()).noneMatch(Command::pipelined);
        assertThat(server.messageCount()).isEqualTo(1);
    }

    @Test
    void sendsEnvelopeParametersVerbatim() throws IOException {
        Envelope envelope = new Envelope("alice@sender.test", List.of("BODY=8BITMIME", "SIZE=42", "ENVID=x1"),
            List.of(new EnvelopeRecipient("bob@acme.test", List.of("NOTIFY=FAILURE", "ORCPT=rfc822;bob@acme.test"))));

        sendOne(envelope);

        assertThat(server.commandLines()).contains(
            "MAIL FROM:<alice@sender.test> BODY=8BITMIME SIZE=42 ENVID=x1",
            "RCPT TO:<bob@acme.test> NOTIFY=FAILURE ORCPT=rfc822;bob@acme.test");
    }

    @Test
    void nullSenderIsSentAsEmptyPath() throws IOException {
        sendOne(Envelope.of("", "bob@acme.test"));

        assertThat(server.commandLines()).contains("MAIL FROM:<>");
        assertThat(server.messages()).singleElement().satisfies(message -> assertThat(message.sender()).isEmpty());
    }

    @Test
    void messageIsDotStuffedWithCrlfLineEnds() throws IOException {
        String raw = "Subject: dots\n\n.hidden line\nplain\r\n..two dots\rlast";

        try (SmtpConnection connection = open()) {
            connection.send(Envelope.of("alice@sender.test", "bob@acme.test"), message(raw));
        }

        assertThat(server.awaitMessages(1, Duration.ofSeconds(1)).get(0).contentAsString())
            .isEqualTo("Subject: dots\r\n\r\n.hidden line\r\nplain\r\n..two dots\r\nlast\r\n");
    }

    @Test
    void readsGreetingAndEhloCapabilities() throws IOException {
        server.behave(Behaviour.builder().ehloCapabilities("pipelining", "SIZE 1000", "8BITMIME").build());

        try (SmtpConnection connection = open()) {
            assertThat(connection.greeting().isPositive()).isTrue();
            assertThat(connection.capabilities().supports("PIPELINING")).isTrue();
            assertThat(connection.capabilities().maxSize()).hasValue(1000);
            assertThat(connection.isTlsActive()).isFalse();
            assertThat(connection.serverName()).isEqualTo("mx.acme.test");
            assertThat(connection.remoteAddress()).isEqualTo(server.socketAddress());
        }
        assertThat(server.commandLines()).startsWith("EHLO relay.sender.test");
    }

    @Test
    void fallsBackToHeloWhenEhloIsRejectedPermanently() throws IOException {
        server.behave(Behaviour.builder().rejectEhlo("502 5.5.2 Command not implemented").build());

        try (SmtpConnection connection = open()) {
            assertThat(connection.capabilities().supports("PIPELINING")).isFalse();
            assertThat(connection.send(Envelope.of("alice@sender.test", "bob@acme.test"), message(MESSAGE))
                .messageAccepted()).isTrue();
        }
        assertThat(server.commandLines()).startsWith("EHLO relay.sender.test", "HELO relay.sender.test");
    }

    @Test
    void transientEhloRejectionIsASessionFailureAtEhloWithoutHelo() {
        server.behave(Behaviour.builder().rejectEhlo("451 4.3.0 Try again later").build());

        SmtpSessionException failure = openFails(settings());

        assertThat(failure.stage()).isEqualTo(Stage.EHLO);
        assertThat(failure.reply()).contains(SmtpReply.of(451, "4.3.0 Try again later"));
        assertThat(server.commandLines()).doesNotContain("HELO relay.sender.test");
    }

    @Test
    void greeting421IsASessionFailureAtGreetingWithTheReply() {
        server.behave(Behaviour.builder().greeting("421 4.3.2 busy").build());

        SmtpSessionException failure = catchThrowableOfType(
            () -> SmtpConnection.open(server.socketAddress(), SERVER_IP, settings().build()),
            SmtpSessionException.class);

        assertThat(failure.stage()).isEqualTo(Stage.GREETING);
        assertThat(failure.reply()).contains(SmtpReply.of(421, "4.3.2 busy"));
        assertThat(failure).hasMessage(SERVER_IP + ":" + server.port() + ": greeting 421 4.3.2 busy");
    }

    @Test
    void failureMessageNamesTheServerByNameAndAddress() {
        server.behave(Behaviour.builder().greeting("554 5.7.1 no relay for you").build());

        SmtpSessionException failure = openFails(settings());

        assertThat(failure).hasMessage("mx.acme.test[" + SERVER_IP + "]:" + server.port()
            + ": greeting 554 5.7.1 no relay for you");
        assertThat(server.commandLines()).as("QUIT after a 554 greeting, RFC 5321 3.1").containsExactly("QUIT");
    }

    @Test
    void silentServerTimesOutAtGreetingWithinTheReadTimeout() {
        server.behave(Behaviour.builder().neverGreet().build());
        long start = System.nanoTime();

        SmtpSessionException failure = openFails(settings().readTimeout(SHORT));

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(SHORT, SHORT.plusMillis(700));
        assertThat(failure.stage()).isEqualTo(Stage.GREETING);
        assertThat(failure.reply()).isEmpty();
        assertThat(failure).hasMessageEndingWith(": no greeting within 300 ms");
    }

    @Test
    void refusedConnectionIsASessionFailureAtConnect() {
        server.stop();

        SmtpSessionException failure = openFails(settings());

        assertThat(failure.stage()).isEqualTo(Stage.CONNECT);
        assertThat(failure).hasMessageEndingWith(": connection refused");
    }

    @Test
    void transientAndPermanentRcptRepliesAreReportedPerRecipientAndTheOthersGetTheMessage() throws IOException {
        server.behave(Behaviour.builder().rcptReply(address -> switch (address) {
            case "busy@acme.test" -> "450 4.2.1 mailbox busy";
            case "gone@acme.test" -> "550 5.1.1 <gone@acme.test>: user unknown";
            default -> "250 2.1.5 OK";
        }).build());

        TransactionResult result = sendOne(
            Envelope.of("alice@sender.test", "busy@acme.test", "bob@acme.test", "gone@acme.test"));

        assertThat(result.recipientReplies()).containsExactly(
            entry("busy@acme.test", SmtpReply.of(450, "4.2.1 mailbox busy")),
            entry("bob@acme.test", SmtpReply.of(250, "2.1.5 OK")),
            entry("gone@acme.test", SmtpReply.of(550, "5.1.1 <gone@acme.test>: user unknown")));
        assertThat(result.acceptedRecipients()).containsExactly("bob@acme.test");
        assertThat(result.messageAccepted()).isTrue();
        assertThat(server.messages()).singleElement()
            .satisfies(message -> assertThat(message.recipients()).containsExactly("bob@acme.test"));
    }

    @Test
    void enhancedStatusOfARejectedRecipientIsAvailable() throws IOException {
        server.behave(Behaviour.builder().rcptReply("550 5.1.1 <bob@acme.test>: user unknown").build());

        SmtpReply reply = sendOne(Envelope.of("alice@sender.test", "bob@acme.test"))
            .recipientReplies().get("bob@acme.test");

        assertThat(reply.isPermanent()).isTrue();
        assertThat(reply.enhancedStatus()).contains("5.1.1");
        assertThat(reply.asString()).isEqualTo("550 5.1.1 <bob@acme.test>: user unknown");
    }

    @Test
    void multiLineReplyKeepsEveryLine() throws IOException {
        server.behave(Behaviour.builder().rcptReply("550 5.7.1 first line\n5.7.1 second line").build());

        SmtpReply reply = sendOne(Envelope.of("alice@sender.test", "bob@acme.test"))
            .recipientReplies().get("bob@acme.test");

        assertThat(reply.lines()).containsExactly("5.7.1 first line", "5.7.1 second line");
        assertThat(reply.asString()).isEqualTo("550-5.7.1 first line 550 5.7.1 second line");
    }

    @Test
    void withoutPipeliningNoAcceptedRecipientMeansNoData() throws IOException {
        server.behave(Behaviour.builder().ehloCapabilities("8BITMIME").rcptReply("550 5.1.1 user unknown").build());

        TransactionResult result = sendOne(Envelope.of("alice@sender.test", "bob@acme.test", "carol@acme.test"));

        assertThat(result.recipientReplies()).hasSize(2);
        assertThat(result.dataReply()).isEmpty();
        assertThat(result.messageReply()).isEmpty();
        assertThat(server.commandLines()).doesNotContain("DATA");
    }

    @Test
    void withPipeliningNoAcceptedRecipientMeansTheServerRefusesDataAndNoMessageIsSent() throws IOException {
        server.behave(Behaviour.builder().rcptReply("550 5.1.1 user unknown").build());

        TransactionResult result = sendOne(Envelope.of("alice@sender.test", "bob@acme.test", "carol@acme.test"));

        assertThat(result.recipientReplies()).hasSize(2);
        assertThat(result.dataReply()).hasValueSatisfying(reply -> assertThat(reply.code()).isEqualTo(554));
        assertThat(result.messageReply()).isEmpty();
        assertThat(result.messageAccepted()).isFalse();
        assertThat(server.messageCount()).isZero();
    }

    @Test
    void rejectedMailFromLeavesNoRecipientReplies() throws IOException {
        server.behave(Behaviour.builder().mailReply("550 5.7.1 sender rejected").build());

        try (SmtpConnection connection = open()) {
            TransactionResult result = connection.send(Envelope.of("alice@sender.test", "bob@acme.test"),
                message(MESSAGE));

            assertThat(result.mailReply()).isEqualTo(SmtpReply.of(550, "5.7.1 sender rejected"));
            assertThat(result.recipientReplies()).isEmpty();
            assertThat(result.dataReply()).isEmpty();
            assertThat(connection.isUsable()).isTrue();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"451 4.3.0 try later", "554 5.6.0 no data for you"})
    void rejectedDataCommandIsReportedInTheResult(String dataReply) throws IOException {
        server.behave(Behaviour.builder().dataReply(dataReply).build());

        TransactionResult result = sendOne(Envelope.of("alice@sender.test", "bob@acme.test"));

        assertThat(result.dataReply()).hasValueSatisfying(reply -> assertThat(reply.asString()).isEqualTo(dataReply));
        assertThat(result.messageReply()).isEmpty();
        assertThat(result.messageAccepted()).isFalse();
        assertThat(server.messageCount()).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {"452 4.3.1 insufficient storage", "554 5.7.1 message looks like spam"})
    void rejectedMessageIsReportedInTheResult(String endOfDataReply) throws IOException {
        server.behave(Behaviour.builder().endOfDataReply(endOfDataReply).build());

        TransactionResult result = sendOne(Envelope.of("alice@sender.test", "bob@acme.test"));

        assertThat(result.dataReply()).hasValueSatisfying(reply -> assertThat(reply.code()).isEqualTo(354));
        assertThat(result.messageReply())
            .hasValueSatisfying(reply -> assertThat(reply.asString()).isEqualTo(endOfDataReply));
        assertThat(result.messageAccepted()).isFalse();
        assertThat(server.messageCount()).isZero();
    }

    @Test
    void runsTwoTransactionsOnOneConnection() throws IOException {
        try (SmtpConnection connection = open()) {
            assertThat(connection.send(Envelope.of("alice@sender.test", "bob@acme.test"), message(MESSAGE))
                .messageAccepted()).isTrue();
            assertThat(connection.send(Envelope.of("alice@sender.test", "carol@acme.test"), message(MESSAGE))
                .messageAccepted()).isTrue();
        }

        assertThat(server.messages()).extracting(ReceivedMessage::recipients)
            .containsExactly(List.of("bob@acme.test"), List.of("carol@acme.test"));
        assertThat(server.connectionCount()).isEqualTo(1);
        assertThat(server.commandLines()).doesNotContain("RSET");
    }

    @Test
    void resetsAnUnfinishedTransactionBeforeTheNextOne() throws IOException {
        server.behave(Behaviour.builder().rcptReply(address ->
            address.startsWith("gone") ? "550 5.1.1 unknown" : "250 2.1.5 OK").build());

        try (SmtpConnection connection = open()) {
            connection.send(Envelope.of("alice@sender.test", "gone@acme.test"), message(MESSAGE));
            TransactionResult second = connection.send(Envelope.of("alice@sender.test", "bob@acme.test"),
                message(MESSAGE));

            assertThat(second.messageAccepted()).isTrue();
        }
        assertThat(server.commandLines()).containsSubsequence(
            "RCPT TO:<gone@acme.test>", "RSET", "MAIL FROM:<alice@sender.test>", "RCPT TO:<bob@acme.test>");
    }

    @Test
    void failingResetIsASessionFailureAtRset() throws IOException {
        server.behave(Behaviour.builder().rcptReply("550 5.1.1 unknown").build());

        try (SmtpConnection connection = open()) {
            connection.send(Envelope.of("alice@sender.test", "gone@acme.test"), message(MESSAGE));
            server.behave(Behaviour.builder().dropAt(Stage.RSET).build());

            assertThatThrownBy(() -> connection.send(Envelope.of("alice@sender.test", "bob@acme.test"),
                message(MESSAGE)))
                .isInstanceOfSatisfying(SmtpSessionException.class,
                    failure -> assertThat(failure.stage()).isEqualTo(Stage.RSET));
            assertThat(connection.isUsable()).isFalse();
        }
    }

    @Test
    void reply421MakesTheConnectionUnusable() throws IOException {
        server.behave(Behaviour.builder().mailReply("421 4.3.2 shutting down").build());

        try (SmtpConnection connection = open()) {
            TransactionResult result = connection.send(Envelope.of("alice@sender.test", "bob@acme.test"),
                message(MESSAGE));

            assertThat(result.mailReply().code()).isEqualTo(421);
            assertThat(connection.isUsable()).isFalse();
        }
    }

    @Test
    void rcpt421IsGivenToTheRecipientsTheServerDidNotAnswer() throws IOException {
        server.behave(Behaviour.builder().rcptReply(address ->
            address.startsWith("bob") ? "250 2.1.5 OK" : "421 4.3.2 shutting down").build());

        TransactionResult result = sendOne(Envelope.of("alice@sender.test", "bob@acme.test", "carol@acme.test",
            "dave@acme.test"));

        assertThat(result.recipientReplies().values()).extracting(SmtpReply::code).containsExactly(250, 421, 421);
        assertThat(result.dataReply()).as("the server is closing: no DATA").isEmpty();
    }

    @Test
    void connectionDroppedAtRcptIsASessionFailureAtRcpt() throws IOException {
        server.behave(Behaviour.builder().dropAt(Stage.RCPT).build());

        try (SmtpConnection connection = open()) {
            SmtpSessionException failure = catchThrowableOfType(() -> connection.send(
                Envelope.of("alice@sender.test", "bob@acme.test"), message(MESSAGE)), SmtpSessionException.class);

            assertThat(failure.stage()).isEqualTo(Stage.RCPT);
            assertThat(failure).hasMessageContaining("connection closed by the server");
            assertThat(connection.isUsable()).isFalse();
        }
    }

    @Test
    void connectionDroppedAfterTheMessageIsASessionFailureAtEndOfData() throws IOException {
        server.behave(Behaviour.builder().dropAt(Stage.END_OF_DATA).build());

        try (SmtpConnection connection = open()) {
            SmtpSessionException failure = catchThrowableOfType(() -> connection.send(
                Envelope.of("alice@sender.test", "bob@acme.test"), message(MESSAGE)), SmtpSessionException.class);

            assertThat(failure.stage()).isEqualTo(Stage.END_OF_DATA);
            assertThat(failure.messageContentFailed()).isFalse();
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

            assertThat(failure.stage()).isEqualTo(Stage.END_OF_DATA);
            assertThat(failure.messageContentFailed()).isTrue();
            assertThat(failure).hasMessageContaining("message store unavailable");
            assertThat(connection.isUsable()).isFalse();
        }
        server.awaitOpenConnections(0, Duration.ofSeconds(1));
        assertThat(server.messageCount()).isZero();
    }

    @Test
    void quitSendsQuitAndClosesTheConnection() throws IOException {
        SmtpConnection connection = open();

        connection.quit();

        assertThat(connection.isUsable()).isFalse();
        assertThat(server.commandLines()).endsWith("QUIT");
        server.awaitOpenConnections(0, Duration.ofSeconds(1));
    }

    @Test
    void closingTwiceIsHarmless() throws IOException {
        SmtpConnection connection = open();

        connection.close();
        connection.close();

        assertThat(server.commandLines()).containsOnlyOnce("QUIT");
    }

    @Test
    void sendingOnAClosedConnectionIsASessionFailure() throws IOException {
        SmtpConnection connection = open();
        connection.quit();

        assertThatThrownBy(() -> connection.send(Envelope.of("alice@sender.test", "bob@acme.test"), message(MESSAGE)))
            .isInstanceOf(SmtpSessionException.class)
            .hasMessageContaining("closed");
    }

    @Test
    void connectsFromTheBindAddress() throws IOException {
        InetAddress local = InetAddress.getByName("127.0.0.9");

        try (SmtpConnection connection = open(settings().bindAddress(local))) {
            connection.send(Envelope.of("alice@sender.test", "bob@acme.test"), message(MESSAGE));
        }

        assertThat(server.messages()).singleElement()
            .satisfies(message -> assertThat(message.clientAddress()).isEqualTo(local));
    }

    @Test
    void authenticatesWithPlainWhenTheServerAdvertisesAuth() throws IOException {
        server.behave(Behaviour.builder().requireAuth("relay", "s3cret").build());

        try (SmtpConnection connection = open(settings().credentials(new Credentials("relay", "s3cret")))) {
            assertThat(connection.send(Envelope.of("alice@sender.test", "bob@acme.test"), message(MESSAGE))
                .messageAccepted()).isTrue();
        }
        assertThat(server.commandLines()).contains("AUTH PLAIN " + base64("\0relay\0s3cret"));
    }

    @Test
    void authenticatesWithLoginWhenPlainIsNotOffered() throws IOException {
        server.behave(Behaviour.builder().ehloCapabilities("PIPELINING", "AUTH LOGIN")
            .requireAuth("relay", "s3cret").build());

        try (SmtpConnection connection = open(settings().credentials(new Credentials("relay", "s3cret")))) {
            assertThat(connection.send(Envelope.of("alice@sender.test", "bob@acme.test"), message(MESSAGE))
                .messageAccepted()).isTrue();
        }
        assertThat(server.commandLines()).containsSubsequence("AUTH LOGIN", base64("relay"), base64("s3cret"));
    }

    @Test
    void rejectedCredentialsAreASessionFailureAtAuth() {
        server.behave(Behaviour.builder().requireAuth("relay", "s3cret").build());

        SmtpSessionException failure = openFails(settings().credentials(new Credentials("relay", "wrong")));

        assertThat(failure.stage()).isEqualTo(Stage.AUTH);
        assertThat(failure.reply()).hasValueSatisfying(reply -> assertThat(reply.code()).isEqualTo(535));
        assertThat(failure).hasMessageNotContaining("wrong");
    }

    @Test
    void rejectedCredentialsAreThisSessionsRequirementUnmetNotAFailureOfTheServer() {
        server.behave(Behaviour.builder().requireAuth("relay", "s3cret").build());

        SmtpSessionException failure = openFails(settings().credentials(new Credentials("relay", "wrong")));

        assertThat(failure.requirementUnmet()).isTrue();
    }

    @Test
    void credentialsAreNotUsedWhenTheServerDoesNotAdvertiseAuth() throws IOException {
        try (SmtpConnection connection = open(settings().credentials(new Credentials("relay", "s3cret")))) {
            connection.send(Envelope.of("alice@sender.test", "bob@acme.test"), message(MESSAGE));
        }

        assertThat(server.commandLines()).noneMatch(line -> line.startsWith("AUTH"));
        assertThat(server.messageCount()).isEqualTo(1);
    }

    @Test
    void debugLogShowsTheConversationButNeverTheCredentials() throws IOException {
        server.behave(Behaviour.builder().requireAuth("relay", "s3cret").build());
        Logger logger = (Logger) LoggerFactory.getLogger(SmtpConnection.class);
        ListAppender<ILoggingEvent> log = new ListAppender<>();
        log.start();
        logger.addAppender(log);
        Level level = logger.getLevel();
        logger.setLevel(Level.INFO);
        try (SmtpConnection connection = open(settings().debug(true)
            .credentials(new Credentials("relay", "s3cret")))) {
            connection.send(Envelope.of("alice@sender.test", "bob@acme.test"), message(MESSAGE));
        } finally {
            logger.detachAppender(log);
            logger.setLevel(level);
        }

        List<String> lines = log.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
        assertThat(lines).anyMatch(line -> line.contains("C: MAIL FROM:<alice@sender.test>"));
        assertThat(lines).anyMatch(line -> line.contains("S: 250 2.0.0 OK queued"));
        assertThat(lines).anyMatch(line -> line.contains("C: AUTH PLAIN (credentials hidden)"));
        assertThat(lines).noneMatch(line -> line.contains("s3cret") || line.contains(base64("\0relay\0s3cret")));
    }

    @Test
    void requiredStartTlsFailsAtStartTlsWhenTheServerDoesNotOfferIt() {
        SmtpSessionException failure = openFails(settings().startTls(StartTlsPolicy.REQUIRED));

        assertThat(failure.stage()).isEqualTo(Stage.STARTTLS);
        assertThat(failure).hasMessageContaining("TLS is required but the server does not offer STARTTLS");
        assertThat(server.commandLines()).as("nothing sent in clear after EHLO")
            .containsExactly("EHLO relay.sender.test", "QUIT");
    }

    @Test
    void opportunisticStartTlsStaysInClearWhenNotOffered() throws IOException {
        try (SmtpConnection connection = open(settings().startTls(StartTlsPolicy.OPPORTUNISTIC))) {
            assertThat(connection.isTlsActive()).isFalse();
            assertThat(connection.send(Envelope.of("alice@sender.test", "bob@acme.test"), message(MESSAGE))
                .messageAccepted()).isTrue();
        }
        assertThat(server.commandLines()).doesNotContain("STARTTLS");
    }

    @Test
    void startTlsRefusedWhenTlsIsRequiredIsASessionFailureAtStartTls() {
        server.behave(Behaviour.builder().ehloCapabilities("PIPELINING", "STARTTLS").build());

        SmtpSessionException failure = openFails(settings().startTls(StartTlsPolicy.REQUIRED));

        assertThat(failure.stage()).isEqualTo(Stage.STARTTLS);
        assertThat(failure.reply()).hasValueSatisfying(reply -> assertThat(reply.code()).isEqualTo(454));
    }

    @Test
    void startTlsIsNotUsedWhenThePolicyIsNever() throws IOException {
        server.behave(Behaviour.builder().ehloCapabilities("PIPELINING", "STARTTLS").build());

        try (SmtpConnection connection = open(settings().startTls(StartTlsPolicy.NEVER))) {
            assertThat(connection.isTlsActive()).isFalse();
        }
        assertThat(server.commandLines()).doesNotContain("STARTTLS");
    }

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(UTF_8));
    }
}
