package io.github.tiereddelivery.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A hostile server at every stage of a session (issue 5): silent, trickling, garbage, a 10 MB reply line, or a closed
 * connection. Each costs at most the reply timeout, fails at that stage, and never lets a message through half sent.
 */
class HostileServerTest {
    private static final String PEER_IP = "127.0.0.4";
    private static final Duration TIMEOUT = Duration.ofMillis(300);
    private static final Duration SLACK = Duration.ofMillis(1500);
    private static final Duration BOUND = Duration.ofSeconds(5);
    private static final List<Stage> STAGES = List.of(Stage.GREETING, Stage.EHLO, Stage.MAIL, Stage.RCPT, Stage.DATA, Stage.END_OF_DATA);

    enum Hostility {
        SILENT, TRICKLE, GARBAGE, OVERSIZED, EARLY_CLOSE;

        void act(ScriptedPeer.Peer peer) throws IOException, InterruptedException {
            switch (this) {
                case SILENT -> peer.readUntilClientIsGone();
                case TRICKLE -> peer.trickle("250 " + "x".repeat(100) + "\r\n", Duration.ofMillis(20));
                case GARBAGE -> {
                    peer.send("\u0000\u00ff garbage \u001b[2J\r\n");
                    peer.readUntilClientIsGone();
                }
                case OVERSIZED -> {
                    // 10 MB without a line end, until the client hangs up.
                    String chunk = "2".repeat(64 * 1024);
                    for (int sent = 0; sent < 10 * 1024 * 1024; sent += chunk.length()) {
                        peer.send(chunk);
                    }
                }
                case EARLY_CLOSE -> {
                    // returning closes the connection
                }
            }
        }
    }

    static Stream<Arguments> cases() {
        return STAGES.stream().flatMap(stage -> Arrays.stream(Hostility.values()).map(hostility -> Arguments.of(stage, hostility)));
    }

    /** A normal server up to {@code stage}, hostile there. */
    private static ScriptedPeer.Script hostileAt(Stage stage, Hostility hostility) {
        return peer -> {
            if (stage == Stage.GREETING) {
                hostility.act(peer);
                return;
            }
            peer.send("220 peer.test ESMTP\r\n");
            peer.readLine();
            if (stage == Stage.EHLO) {
                hostility.act(peer);
                return;
            }
            peer.send("250 peer.test\r\n");
            for (Stage next : List.of(Stage.MAIL, Stage.RCPT, Stage.DATA)) {
                peer.readLine();
                if (stage == next) {
                    hostility.act(peer);
                    return;
                }
                peer.send(next == Stage.DATA ? "354 go ahead\r\n" : "250 2.1.0 OK\r\n");
            }
            while (!peer.readLine().equals(".")) {
                // the message
            }
            hostility.act(peer);
        };
    }

    @ParameterizedTest(name = "{1} at {0}")
    @MethodSource("cases")
    void aHostileServerCostsAtMostTheTimeoutAndFailsAtItsStage(Stage stage, Hostility hostility) throws Exception {
        SmtpClientSettings settings = SmtpClientSettings.builder()
            .heloName("relay.sender.test")
            .connectTimeout(Duration.ofSeconds(1))
            .readTimeout(TIMEOUT)
            .build();
        try (ScriptedPeer peer = ScriptedPeer.start(PEER_IP, hostileAt(stage, hostility))) {
            long start = System.nanoTime();

            SmtpSessionException failure = assertTimeoutPreemptively(BOUND, () -> {
                try (SmtpConnection connection = SmtpConnection.open(peer.address(), PEER_IP, settings)) {
                    TransactionResult result = connection.send(Envelope.of("alice@sender.test", "bob@acme.test"),
                        out -> out.write("Subject: hello\r\n\r\nHello\r\n".getBytes(StandardCharsets.US_ASCII)));
                    throw new AssertionError("the hostile server let a transaction through: " + result);
                } catch (SmtpSessionException e) {
                    return e;
                }
            });

            assertThat(failure.stage()).isEqualTo(stage);
            // The timeout, plus slack for a loaded machine; far below what a trickle or a 10 MB line would take.
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(TIMEOUT.plus(SLACK));
        }
    }
}
