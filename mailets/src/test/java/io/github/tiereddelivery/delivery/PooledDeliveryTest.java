package io.github.tiereddelivery.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.james.core.MailAddress;
import org.apache.james.core.builder.MimeMessageBuilder;
import org.apache.james.server.core.MimeMessageInputStreamSource;
import org.apache.james.server.core.MimeMessageWrapper;
import org.apache.mailet.Mail;
import org.apache.mailet.base.test.FakeMail;
import org.apache.mailet.base.test.FakeMailContext;
import org.apache.mailet.base.test.FakeMailetConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.github.tiereddelivery.delivery.AttemptResult.ServerCondition;
import io.github.tiereddelivery.pool.ConnectionKey;
import io.github.tiereddelivery.pool.ConnectionPool;
import io.github.tiereddelivery.pool.Lease;
import io.github.tiereddelivery.pool.PoolLimits;
import io.github.tiereddelivery.routes.Balancing;
import io.github.tiereddelivery.smtp.SmtpClientSettings;
import io.github.tiereddelivery.smtp.Stage;
import io.github.tiereddelivery.testing.Behaviour;
import io.github.tiereddelivery.testing.ReceivingSmtpServer;

/**
 * One attempt after another to a real SMTP server through the connection pool: what is reused, what is closed, and
 * what counts against the server.
 */
@Timeout(30)
class PooledDeliveryTest {
    private static final String OWN_NAME = "relay.sender.test";
    private static final Duration TIMEOUT = Duration.ofMillis(500);

    private final AtomicInteger mails = new AtomicInteger();
    private ReceivingSmtpServer server;
    private ConnectionPool pool;
    private MailDelivrerToServer delivrer;
    private ServerHealth health;
    private Server target;
    private RoutePlan plan;

    @BeforeEach
    void setUp() throws Exception {
        server = ReceivingSmtpServer.start("127.0.0.2", 0);
        target = Server.of("mx.acme.test", server.address(), server.port(), 10, 1);
        plan = new RoutePlan(new DeliveryTarget.DomainMx("acme.test"), RoutePlanner.tiers(List.of(target)),
            Balancing.RANDOM, Optional.empty(), Optional.empty());
        pool(Duration.ofMillis(100));
    }

    /** Two sessions per server, each message waiting at most {@code busyWait} for one. */
    private void pool(Duration busyWait) throws Exception {
        if (pool != null) {
            pool.close();
        }
        pool = ConnectionPool.create(new PoolLimits(2, 100, Duration.ofSeconds(30), busyWait));
        DeliveryConfiguration configuration = DeliveryConfiguration.from(FakeMailetConfig.builder()
            .mailetName("TieredRemoteDelivery")
            .setProperty("timeout", String.valueOf(TIMEOUT.toMillis()))
            .setProperty("connectiontimeout", String.valueOf(TIMEOUT.toMillis()))
            .build());
        health = new ServerHealth();
        delivrer = new MailDelivrerToServer(configuration, () -> OWN_NAME, OwnListeners.none(), FakeMailContext.defaultContext(),
            Optional.empty(), pool, health);
    }

    private ConnectionKey someKey() {
        return new ConnectionKey(server.socketAddress(), "mx.acme.test",
            SmtpClientSettings.builder().heloName("other.sender.test").build());
    }

    @AfterEach
    void tearDown() {
        pool.close();
        server.stop();
    }

    private AttemptResult attempt(String... recipients) throws Exception {
        return attempt(Optional.empty(), recipients);
    }

    private AttemptResult attempt(Optional<String> downBecause, String... recipients) throws Exception {
        FakeMail.Builder mail = FakeMail.builder()
            .name("mail" + mails.incrementAndGet())
            .sender("alice@sender.test")
            .mimeMessage(MimeMessageBuilder.mimeMessageBuilder().setSubject("test").setText("Hello"));
        for (String recipient : recipients) {
            mail.recipient(recipient);
        }
        Mail built = mail.build();
        return delivrer.attempt(built, List.copyOf(built.getRecipients()), target, plan, downBecause);
    }

    /** One attempt for bob@acme.test with a message as James stores it (its bytes, not yet parsed). */
    private AttemptResult attemptWithStored(String message) throws Exception {
        Mail mail = FakeMail.builder()
            .name("mail" + mails.incrementAndGet())
            .sender("alice@sender.test")
            .recipient("bob@acme.test")
            .mimeMessage(new MimeMessageWrapper(MimeMessageInputStreamSource.create("stored",
                new ByteArrayInputStream(message.getBytes(StandardCharsets.UTF_8)))))
            .build();
        return delivrer.attempt(mail, List.copyOf(mail.getRecipients()), target, plan, Optional.empty());
    }

    private static Verdict verdict(AttemptResult attempt, String recipient) throws Exception {
        return attempt.results().get(new MailAddress(recipient)).verdict();
    }

    @Test
    void messagesToTheSameServerShareOneSession() throws Exception {
        for (int i = 0; i < 5; i++) {
            AttemptResult attempt = attempt("bob@acme.test");
            assertThat(verdict(attempt, "bob@acme.test")).isEqualTo(Verdict.DELIVERED);
        }

        assertThat(server.messageCount()).isEqualTo(5);
        assertThat(server.connectionCount()).isEqualTo(1);
        assertThat(server.commandLines()).filteredOn(line -> line.startsWith("EHLO")).hasSize(1);
    }

    @Test
    void theEightBitPartsOfAMultipartMessageAreSentInSevenBitsToAServerWithout8BitMime() throws Exception {
        server.behave(Behaviour.builder().ehloCapabilities("PIPELINING", "ENHANCEDSTATUSCODES").build());

        AttemptResult attempt = attemptWithStored("Subject: parts\r\nMIME-Version: 1.0\r\n"
            + "Content-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n"
            + "--b1\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
            + "Grüße aus Köln\r\n"
            + "--b1--\r\n");

        assertThat(verdict(attempt, "bob@acme.test")).isEqualTo(Verdict.DELIVERED);
        byte[] sent = server.messages().get(0).content();
        for (byte b : sent) {
            assertThat(b & 0xff).as(new String(sent, StandardCharsets.UTF_8)).isLessThan(0x80);
        }
        assertThat(new String(sent, StandardCharsets.US_ASCII)).contains("quoted-printable", "Gr=C3=BC=C3=9Fe");
    }

    @Test
    void theHealthMemoryCountsTheSessionsTheServerHeldNotTheMessagesSentOnThem() throws Exception {
        for (int i = 0; i < 3; i++) {
            attempt("bob@acme.test");
        }
        server.closeConnections();
        attempt("bob@acme.test");

        assertThat(health.status(target.address()).orElseThrow().sessions()).isEqualTo(server.connectionCount()).isEqualTo(2);
    }

    @Test
    void aReusedConnectionTheServerClosedWhileIdleIsReplacedWithoutBlamingTheServer() throws Exception {
        attempt("bob@acme.test");
        server.closeConnections();

        AttemptResult attempt = attempt("bob@acme.test");

        assertThat(verdict(attempt, "bob@acme.test")).isEqualTo(Verdict.DELIVERED);
        assertThat(attempt.condition()).isEqualTo(ServerCondition.RESPONDED);
        assertThat(server.connectionCount()).isEqualTo(2);
        assertThat(server.messageCount()).isEqualTo(2);
    }

    @Test
    void withChunkingTooAReusedConnectionTheServerClosedIsReplacedAndEveryRecipientGetsItsVerdict() throws Exception {
        server.behave(Behaviour.builder().ehloCapabilities("PIPELINING", "CHUNKING", "8BITMIME")
            .rcptReply(address -> address.startsWith("gone") ? "550 5.1.1 unknown" : "250 2.1.5 OK").build());
        attempt("bob@acme.test");
        server.closeConnections();

        AttemptResult attempt = attempt("bob@acme.test", "gone@acme.test");

        assertThat(verdict(attempt, "bob@acme.test")).isEqualTo(Verdict.DELIVERED);
        assertThat(verdict(attempt, "gone@acme.test")).isEqualTo(Verdict.REJECTED);
        assertThat(attempt.condition()).isEqualTo(ServerCondition.RESPONDED);
        assertThat(server.connectionCount()).isEqualTo(2);
        assertThat(server.commandLines()).anyMatch(command -> command.startsWith("BDAT"));
    }

    @Test
    void aFailingRsetOnAReusedConnectionSendsTheMessageOnANewOneWithoutBlamingTheServer() throws Exception {
        server.behave(Behaviour.builder().rcptReply("550 5.1.1 unknown").build());
        attempt("gone@acme.test");
        server.behave(Behaviour.builder().dropAt(Stage.RSET).build());

        AttemptResult attempt = attempt("bob@acme.test");

        assertThat(verdict(attempt, "bob@acme.test")).isEqualTo(Verdict.DELIVERED);
        assertThat(attempt.condition()).isEqualTo(ServerCondition.RESPONDED);
        assertThat(server.connectionCount()).isEqualTo(2);
        assertThat(server.messages()).singleElement()
            .satisfies(message -> assertThat(message.recipients()).containsExactly("bob@acme.test"));
    }

    @Test
    void a421ToMailOnAReusedConnectionIsTriedOnceMoreOnANewConnectionThenCountsAgainstTheServer() throws Exception {
        attempt("bob@acme.test");
        server.behave(Behaviour.builder().mailReply("421 4.3.2 shutting down").build());

        AttemptResult attempt = attempt("bob@acme.test");

        assertThat(verdict(attempt, "bob@acme.test")).isEqualTo(Verdict.SERVER_FAILED);
        assertThat(attempt.condition()).isEqualTo(ServerCondition.FAILED);
        assertThat(server.connectionCount()).isEqualTo(2);
        server.awaitOpenConnections(0, Duration.ofSeconds(5));
    }

    @Test
    void aTimeoutOnAReusedConnectionCountsAgainstTheServerAtOnce() throws Exception {
        attempt("bob@acme.test");
        server.behave(Behaviour.builder().replyDelay(TIMEOUT.multipliedBy(4)).build());

        AttemptResult attempt = attempt("bob@acme.test");

        assertThat(verdict(attempt, "bob@acme.test")).isEqualTo(Verdict.SERVER_FAILED);
        assertThat(attempt.condition()).isEqualTo(ServerCondition.FAILED);
        assertThat(server.connectionCount()).as("no second connection to a hung server").isEqualTo(1);
    }

    @Test
    void a421AfterTheDataClosesTheConnectionAndTheNextMessageGetsANewOne() throws Exception {
        server.behave(Behaviour.builder().endOfDataReply("421 4.3.2 shutting down").build());
        AttemptResult refused = attempt("bob@acme.test");
        server.behave(Behaviour.normal());

        AttemptResult delivered = attempt("bob@acme.test");

        assertThat(verdict(refused, "bob@acme.test")).isEqualTo(Verdict.SERVER_FAILED);
        assertThat(refused.condition()).isEqualTo(ServerCondition.FAILED);
        assertThat(verdict(delivered, "bob@acme.test")).isEqualTo(Verdict.DELIVERED);
        assertThat(server.connectionCount()).isEqualTo(2);
        assertThat(server.messageCount()).isEqualTo(1);
    }

    @Test
    void recipientsRefusedOnAReusedConnectionGetTheirOwnVerdicts() throws Exception {
        attempt("bob@acme.test");
        server.behave(Behaviour.builder().rcptReply(address -> switch (address) {
            case "full@acme.test" -> "452 4.2.2 mailbox full";
            case "gone@acme.test" -> "550 5.1.1 unknown";
            default -> "250 2.1.5 OK";
        }).build());

        AttemptResult attempt = attempt("bob@acme.test", "full@acme.test", "gone@acme.test");

        assertThat(verdict(attempt, "bob@acme.test")).isEqualTo(Verdict.DELIVERED);
        assertThat(verdict(attempt, "full@acme.test")).isEqualTo(Verdict.RECIPIENT_DEFERRED);
        assertThat(verdict(attempt, "gone@acme.test")).isEqualTo(Verdict.REJECTED);
        assertThat(server.connectionCount()).isEqualTo(1);
    }

    @Test
    void recipientsOverTheServersLimitPerTransactionGoInTheNextTransactionsOfTheSession() throws Exception {
        server.behave(Behaviour.builder().maxRecipientsPerTransaction(2).build());

        AttemptResult attempt = attempt("r1@acme.test", "r2@acme.test", "r3@acme.test", "r4@acme.test", "r5@acme.test");

        assertThat(attempt.results().values()).extracting(RecipientResult::verdict).containsOnly(Verdict.DELIVERED).hasSize(5);
        assertThat(server.messages()).extracting(message -> message.recipients())
            .containsExactly(List.of("r1@acme.test", "r2@acme.test"), List.of("r3@acme.test", "r4@acme.test"), List.of("r5@acme.test"));
        assertThat(server.connectionCount()).isEqualTo(1);
    }

    @Test
    void recipientsOverTheLimitAreDeferredWhenTheTransactionDeliveredToNobody() throws Exception {
        server.behave(Behaviour.builder().maxRecipientsPerTransaction(2).endOfDataReply("451 4.3.0 try again later").build());

        AttemptResult attempt = attempt("r1@acme.test", "r2@acme.test", "r3@acme.test");

        assertThat(attempt.results().values()).extracting(RecipientResult::verdict)
            .containsExactlyInAnyOrder(Verdict.SERVER_FAILED, Verdict.SERVER_FAILED, Verdict.RECIPIENT_DEFERRED);
        assertThat(server.transactionCount()).isEqualTo(1);
    }

    @Test
    void aSuccessToDataIsAProtocolErrorWhoseConnectionIsNotKept() throws Exception {
        server.behave(Behaviour.builder().dataReply("250 2.0.0 whatever").build());
        AttemptResult first = attempt("bob@acme.test");
        server.behave(Behaviour.normal());

        AttemptResult second = attempt("bob@acme.test");

        assertThat(first.condition()).isEqualTo(ServerCondition.FAILED);
        assertThat(verdict(second, "bob@acme.test")).isEqualTo(Verdict.DELIVERED);
        assertThat(server.connectionCount()).isEqualTo(2);
    }

    @Test
    void anAttemptInterruptedWhileWaitingForASessionSaysJamesIsStoppingAndSendsNothing() throws Exception {
        pool(Duration.ofSeconds(30));
        try (Lease first = pool.lease(someKey()).orElseThrow(); Lease second = pool.lease(someKey()).orElseThrow()) {
            AtomicReference<AttemptResult> result = new AtomicReference<>();
            Thread delivery = new Thread(() -> {
                try {
                    result.set(attempt("bob@acme.test"));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            delivery.start();
            while (pool.statistics().waiting() == 0) {
                Thread.sleep(10);
            }

            delivery.interrupt();
            delivery.join(10_000);

            assertThat(result.get().results().get(new MailAddress("bob@acme.test"))).satisfies(recipient -> {
                assertThat(recipient.verdict()).isEqualTo(Verdict.SERVER_FAILED);
                assertThat(recipient.status().diagnostic()).contains("James was stopping");
            });
            assertThat(result.get().condition()).isEqualTo(ServerCondition.NOT_ASSESSED);
        }
        assertThat(server.connectionCount()).isZero();
    }

    @Test
    void aServerWithAllItsSessionsInUseIsBusyAndNotJudged() throws Exception {
        try (Lease first = pool.lease(someKey()).orElseThrow(); Lease second = pool.lease(someKey()).orElseThrow()) {

            AttemptResult attempt = attempt("bob@acme.test");

            assertThat(attempt.condition()).isEqualTo(ServerCondition.NOT_ASSESSED);
            assertThat(attempt.results().get(new MailAddress("bob@acme.test")))
                .satisfies(result -> assertThat(result.verdict()).isEqualTo(Verdict.SERVER_BUSY))
                .satisfies(result -> assertThat(result.status().status()).isEqualTo("4.4.5"));
        }
        assertThat(server.connectionCount()).isZero();
    }

    @Test
    void aServerThatIsDownAndAlreadyBeingTriedFailsForTheNextMessageWithItsLastErrorAndWithoutWaiting() throws Exception {
        pool(Duration.ofSeconds(20));
        try (Lease beingTried = pool.lease(someKey()).orElseThrow()) {

            AttemptResult attempt = attempt(Optional.of("mx.acme.test[127.0.0.2]:25: no greeting within 2000 ms"), "bob@acme.test");

            assertThat(attempt.condition()).isEqualTo(ServerCondition.NOT_ASSESSED);
            assertThat(attempt.results().get(new MailAddress("bob@acme.test"))).satisfies(result -> {
                assertThat(result.verdict()).isEqualTo(Verdict.SERVER_FAILED);
                assertThat(result.status().diagnostic()).startsWith("mx.acme.test[127.0.0.2]:25: no greeting within 2000 ms")
                    .contains("another message is trying");
            });
        }
        assertThat(server.connectionCount()).isZero();
    }

    @Test
    void aServerThatIsDownIsTriedByOneMessageWhenNoneIsTryingIt() throws Exception {
        AttemptResult attempt = attempt(Optional.of("mx.acme.test[127.0.0.2]:25: connection refused"), "bob@acme.test");

        assertThat(verdict(attempt, "bob@acme.test")).isEqualTo(Verdict.DELIVERED);
    }

    /** An attempt on another thread, returned once it waits for one of the pool's sessions (all of them leased). */
    private CompletableFuture<AttemptResult> attemptWaitingForASession(String recipient) throws InterruptedException {
        CompletableFuture<AttemptResult> waiting = CompletableFuture.supplyAsync(() -> {
            try {
                return attempt(recipient);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        while (pool.statistics().waiting() == 0) {
            Thread.sleep(10);
        }
        return waiting;
    }

    @Test
    void aMessageThatWaitedForSessionsThatFailedMovesOnWithoutConnecting() throws Exception {
        pool(Duration.ofSeconds(20));
        Lease first = pool.lease(someKey()).orElseThrow();
        try (Lease second = pool.lease(someKey()).orElseThrow()) {
            CompletableFuture<AttemptResult> waiting = attemptWaitingForASession("bob@acme.test");

            first.failed();
            first.close();

            AttemptResult attempt = waiting.get(10, TimeUnit.SECONDS);
            assertThat(attempt.condition()).isEqualTo(ServerCondition.NOT_ASSESSED);
            assertThat(attempt.results().get(new MailAddress("bob@acme.test")))
                .satisfies(result -> assertThat(result.verdict()).isEqualTo(Verdict.SERVER_FAILED))
                .satisfies(result -> assertThat(result.status().status()).isEqualTo("4.4.2"));
        }
        assertThat(server.connectionCount()).isZero();
    }

    @Test
    void aMessageThatWaitedForSessionsThatSucceededGetsItsTurn() throws Exception {
        pool(Duration.ofSeconds(20));
        Lease first = pool.lease(someKey()).orElseThrow();
        try (Lease second = pool.lease(someKey()).orElseThrow()) {
            CompletableFuture<AttemptResult> waiting = attemptWaitingForASession("bob@acme.test");

            first.close();

            AttemptResult attempt = waiting.get(10, TimeUnit.SECONDS);
            assertThat(verdict(attempt, "bob@acme.test")).isEqualTo(Verdict.DELIVERED);
        }
    }

    @Test
    void aServerGreetingWithOurOwnNameIsALoopAndItsConnectionIsNotKept() throws Exception {
        server.behave(Behaviour.builder().greeting("220 " + OWN_NAME + " ESMTP").build());

        AttemptResult first = attempt("bob@acme.test");
        AttemptResult second = attempt("bob@acme.test");

        assertThat(first.results().get(new MailAddress("bob@acme.test")).status().status()).isEqualTo("4.4.6");
        assertThat(second.results().get(new MailAddress("bob@acme.test")).status().status()).isEqualTo("4.4.6");
        assertThat(server.connectionCount()).isEqualTo(2);
        assertThat(server.messageCount()).isZero();
        server.awaitOpenConnections(0, Duration.ofSeconds(5));
    }

    @Test
    void aSessionThatFailedAtConnectionIsNotKept() throws Exception {
        server.behave(Behaviour.builder().greeting("421 4.3.2 not now").build());
        attempt("bob@acme.test");
        server.behave(Behaviour.normal());

        AttemptResult attempt = attempt("bob@acme.test");

        assertThat(verdict(attempt, "bob@acme.test")).isEqualTo(Verdict.DELIVERED);
        assertThat(pool.statistics().opened()).isEqualTo(1);
        assertThat(pool.statistics().reused()).isZero();
    }
}
