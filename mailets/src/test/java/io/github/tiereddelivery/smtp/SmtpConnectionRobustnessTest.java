package io.github.tiereddelivery.smtp;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.ThrowingSupplier;

/** The client against servers that misbehave: every failure is bounded in time and closes the socket. */
class SmtpConnectionRobustnessTest {

    private static final String PEER_IP = "127.0.0.3";
    private static final Duration TIMEOUT = Duration.ofMillis(300);
    private static final Duration ONE_SECOND = Duration.ofSeconds(1);
    /** Slack for scheduling on a loaded machine. */
    private static final Duration SLACK = Duration.ofMillis(700);

    private static SmtpClientSettings settings() {
        return SmtpClientSettings.builder()
            .heloName("relay.sender.test")
            .connectTimeout(Duration.ofSeconds(1))
            .readTimeout(TIMEOUT)
            .build();
    }

    private static TransactionResult sendSmallMessage(ScriptedPeer peer) throws Exception {
        try (SmtpConnection connection = SmtpConnection.open(peer.address(), PEER_IP, settings())) {
            return connection.send(Envelope.of("alice@sender.test", "bob@acme.test"),
                out -> out.write("Subject: x\r\n\r\nbody\r\n".getBytes(US_ASCII)));
        }
    }

    /** Socket I/O cannot be interrupted: a client that ignored its deadlines must fail the test, not hang it. */
    private static <T> T withinBound(ThrowingSupplier<T> action) {
        return assertTimeoutPreemptively(Duration.ofSeconds(5), action);
    }

    private static SmtpSessionException openFails(ScriptedPeer peer) {
        return withinBound(() -> catchThrowableOfType(
            () -> SmtpConnection.open(peer.address(), PEER_IP, settings()).close(), SmtpSessionException.class));
    }

    private static SmtpSessionException sendFails(ScriptedPeer peer, MessageContent content) {
        return withinBound(() -> {
            try (SmtpConnection connection = SmtpConnection.open(peer.address(), PEER_IP, settings())) {
                return catchThrowableOfType(
                    () -> connection.send(Envelope.of("alice@sender.test", "bob@acme.test"), content),
                    SmtpSessionException.class);
            }
        });
    }

    @Test
    void tricklingServerCannotStretchTheReplyDeadline() throws Exception {
        try (ScriptedPeer peer = ScriptedPeer.start(PEER_IP,
            p -> p.trickle("220 " + "x".repeat(200) + "\r\n", Duration.ofMillis(20)))) {
            long start = System.nanoTime();

            SmtpSessionException failure = openFails(peer);

            assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(TIMEOUT, TIMEOUT.plus(SLACK));
            assertThat(failure.stage()).isEqualTo(Stage.GREETING);
            assertThat(failure).hasMessageEndingWith("no greeting within 300 ms");
        }
    }

    @Test
    void garbageInsteadOfAReplyIsAProtocolErrorAtThatStage() throws Exception {
        try (ScriptedPeer peer = ScriptedPeer.start(PEER_IP, p -> {
            p.send("HTTP/1.1 400 Bad Request\r\n");
            p.readUntilClientIsGone();
        })) {
            SmtpSessionException failure = openFails(peer);

            assertThat(failure.stage()).isEqualTo(Stage.GREETING);
            assertThat(failure).hasMessageContaining("protocol error in the greeting")
                .hasMessageContaining("HTTP/1.1 400 Bad Request");
        }
    }

    @Test
    void protocolErrorClosesTheConnection() throws Exception {
        try (ScriptedPeer peer = ScriptedPeer.start(PEER_IP, p -> {
            p.send("hello?\r\n");
            p.readUntilClientIsGone();
        })) {
            openFails(peer);

            assertThat(peer.awaitClientGone(Duration.ofSeconds(1))).isTrue();
        }
    }

    @Test
    void overLongReplyLineIsKeptInPartAndTheSessionGoesOn() throws Exception {
        try (ScriptedPeer peer = ScriptedPeer.start(PEER_IP, p -> {
            p.send("220 " + "x".repeat(5000) + "\r\n");
            p.readLine();
            p.send("250 peer.test\r\n");
            p.readUntilClientIsGone();
        })) {
            try (SmtpConnection connection = SmtpConnection.open(peer.address(), PEER_IP, settings())) {
                assertThat(connection.isUsable()).isTrue();
            }
        }
    }

    @Test
    void replyWithMoreLinesThanKeptIsReadWhole() throws Exception {
        String[] extensions = new String[150];
        Arrays.fill(extensions, "X-FILLER");
        extensions[149] = "PIPELINING";
        try (ScriptedPeer peer = ScriptedPeer.start(PEER_IP, p -> {
            p.greetAndAnswerEhlo(extensions);
            p.readUntilClientIsGone();
        })) {
            try (SmtpConnection connection = SmtpConnection.open(peer.address(), PEER_IP, settings())) {
                assertThat(connection.isUsable()).isTrue();
            }
        }
    }

    @Test
    void replyOfMoreThanTheBoundIsAProtocolError() throws Exception {
        String[] extensions = new String[150];
        Arrays.fill(extensions, "X-FILLER " + "x".repeat(4000));
        try (ScriptedPeer peer = ScriptedPeer.start(PEER_IP, p -> {
            p.greetAndAnswerEhlo(extensions);
            p.readUntilClientIsGone();
        })) {
            SmtpSessionException failure = openFails(peer);

            assertThat(failure.stage()).isEqualTo(Stage.EHLO);
            assertThat(failure).hasMessageContaining("reply longer than 409600 bytes");
        }
    }

    @Test
    void a250ToTheEndOfDataWithAVeryLongTextIsAcceptance() throws Exception {
        try (ScriptedPeer peer = ScriptedPeer.start(PEER_IP, p -> {
            p.acceptOneRecipientUpToTheData();
            while (!p.readLine().equals(".")) {
                // the message
            }
            p.send("250 2.0.0 " + "y".repeat(10_000) + "\r\n");
            p.readUntilClientIsGone();
        })) {
            assertThat(sendSmallMessage(peer).messageAccepted()).isTrue();
        }
    }

    @Test
    void a250ToTheEndOfDataEndedByTheServerClosingTheConnectionIsAcceptance() throws Exception {
        try (ScriptedPeer peer = ScriptedPeer.start(PEER_IP, p -> {
            p.acceptOneRecipientUpToTheData();
            while (!p.readLine().equals(".")) {
                // the message
            }
            p.send("250 2.0.0 ok queued");
        })) {
            assertThat(sendSmallMessage(peer).messageAccepted()).isTrue();
        }
    }

    @Test
    void multiLineReplyWithMixedCodesIsAProtocolError() throws Exception {
        try (ScriptedPeer peer = ScriptedPeer.start(PEER_IP, p -> {
            p.send("220 peer.test\r\n");
            p.readLine();
            p.send("250-peer.test\r\n550 PIPELINING\r\n");
            p.readUntilClientIsGone();
        })) {
            SmtpSessionException failure = openFails(peer);

            assertThat(failure.stage()).isEqualTo(Stage.EHLO);
            assertThat(failure).hasMessageContaining("mixes the codes 250 and 550");
        }
    }

    @Test
    void connectionClosedInTheMiddleOfAReplyIsASessionFailureAtThatStage() throws Exception {
        try (ScriptedPeer peer = ScriptedPeer.start(PEER_IP, p -> {
            p.send("220 peer.test\r\n");
            p.readLine();
            p.send("250-peer.test\r\n250-PIPEL");
        })) {
            SmtpSessionException failure = openFails(peer);

            assertThat(failure.stage()).isEqualTo(Stage.EHLO);
            assertThat(failure).hasMessageEndingWith("connection closed by the server while waiting for the reply"
                + " to EHLO");
        }
    }

    @Test
    void missingReplyToRcptTimesOutAtRcpt() throws Exception {
        try (ScriptedPeer peer = ScriptedPeer.start(PEER_IP, p -> {
            p.greetAndAnswerEhlo("8BITMIME");
            p.readLine();
            p.send("250 2.1.0 OK\r\n");
            p.readLine();
            p.readUntilClientIsGone();
        })) {
            long start = System.nanoTime();

            SmtpSessionException failure = sendFails(peer, out -> out.write('x'));

            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(TIMEOUT.plus(SLACK));
            assertThat(failure.stage()).isEqualTo(Stage.RCPT);
            assertThat(failure).hasMessageEndingWith("no reply to RCPT TO within 300 ms");
        }
    }

    @Test
    void serverThatStopsReadingTheMessageHitsTheWriteDeadline() throws Exception {
        try (ScriptedPeer peer = ScriptedPeer.start(PEER_IP, 4096, p -> {
            p.acceptOneRecipientUpToTheData();
            p.hang();
        })) {
            byte[] chunk = ("x".repeat(998) + "\r\n").getBytes(US_ASCII);
            long start = System.nanoTime();

            SmtpSessionException failure = sendFails(peer, out -> {
                for (int i = 0; i < 64 * 1024; i++) {
                    out.write(chunk);
                }
            });

            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(TIMEOUT.plus(SLACK));
            assertThat(failure.stage()).isEqualTo(Stage.END_OF_DATA);
            assertThat(failure.messageContentFailed()).isFalse();
            assertThat(failure).hasMessageEndingWith("could not send the message within 300 ms"
                + " (the server is not reading)");
        }
    }

    @Test
    void aLargeMessageToAServerThatReadsSlowlyButSteadilyIsNotCutOffByTheTimeout() throws Exception {
        Duration took = sendThirtyMegabytesToAServerReadingAtEightMegabytesASecond(Duration.ZERO);

        assertThat(took).isGreaterThan(ONE_SECOND.multipliedBy(2));
    }

    @Test
    void theReplyToALargeMessageIsAwaitedTheTimeoutAfterTheServerCouldHaveReadItsEnd() throws Exception {
        // The answer comes 1.5 timeouts after the server read the end; megabytes were still in this machine's socket
        // buffers when the last write returned.
        sendThirtyMegabytesToAServerReadingAtEightMegabytesASecond(ONE_SECOND.multipliedBy(3).dividedBy(2));
    }

    /** The message is accepted (else the test fails); returns how long sending it took. */
    private static Duration sendThirtyMegabytesToAServerReadingAtEightMegabytesASecond(Duration answerDelay) throws Exception {
        try (ScriptedPeer peer = ScriptedPeer.start(PEER_IP, 64 * 1024, p -> {
            p.acceptOneRecipientUpToTheData();
            // At most 8 MB/s: the 30 MB message takes almost four times the timeout, no single write near it (the
            // kernel wakes a blocked writer once half of what it holds has gone: a few MB on loopback).
            p.readDataSlowly(64 * 1024, Duration.ofMillis(8));
            Thread.sleep(answerDelay.toMillis());
            p.send("250 2.0.0 OK\r\n");
            p.readUntilClientIsGone();
        })) {
            byte[] line = ("x".repeat(998) + "\r\n").getBytes(US_ASCII);
            long start = System.nanoTime();
            SmtpClientSettings settings = settings().toBuilder().readTimeout(ONE_SECOND).build();
            try (SmtpConnection connection = SmtpConnection.open(peer.address(), PEER_IP, settings)) {
                TransactionResult result = connection.send(Envelope.of("alice@sender.test", "bob@acme.test"), out -> {
                    for (int i = 0; i < 30_000; i++) {
                        out.write(line);
                    }
                });

                assertThat(result.messageAccepted()).isTrue();
            }
            return Duration.ofNanos(System.nanoTime() - start);
        }
    }

    @Test
    void allConnectionsShareOneWatchdogThread() throws Exception {
        for (int i = 0; i < 3; i++) {
            try (ScriptedPeer peer = ScriptedPeer.start(PEER_IP, p -> p.send("421 busy\r\n"))) {
                openFails(peer);
            }
        }

        assertThat(Thread.getAllStackTraces().keySet())
            .filteredOn(thread -> thread.getName().equals("smtp-client-watchdog"))
            .hasSize(1);
    }
}
