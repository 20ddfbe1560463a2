package io.github.tiereddelivery.pool;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.github.tiereddelivery.smtp.Credentials;
import io.github.tiereddelivery.smtp.Envelope;
import io.github.tiereddelivery.smtp.MessageContent;
import io.github.tiereddelivery.smtp.SmtpClientSettings;
import io.github.tiereddelivery.smtp.SmtpConnection;
import io.github.tiereddelivery.smtp.SmtpSessionException;
import io.github.tiereddelivery.smtp.StartTlsPolicy;
import io.github.tiereddelivery.smtp.TransactionResult;
import io.github.tiereddelivery.testing.Behaviour;
import io.github.tiereddelivery.testing.ReceivingSmtpServer;

/** The pool against a real SMTP server on 127.0.0.2: sessions are counted where the server sees them. */
@Timeout(20)
class ConnectionPoolTest {
    private static final MessageContent MESSAGE = out -> out.write("Subject: hello\r\n\r\nHello\r\n".getBytes(UTF_8));
    private static final Duration IDLE = Duration.ofSeconds(5);
    private static final Duration NO_WAIT = Duration.ZERO;

    private final AtomicLong clock = new AtomicLong();
    private ReceivingSmtpServer server;
    private ConnectionPool pool;

    @BeforeEach
    void startServer() throws IOException {
        server = ReceivingSmtpServer.start("127.0.0.2", 0);
    }

    @AfterEach
    void stop() {
        if (pool != null) {
            pool.close();
        }
        server.stop();
    }

    private ConnectionPool pool(int maxConnections, int maxMessages, Duration busyWait) {
        pool = ConnectionPool.withClock(new PoolLimits(maxConnections, maxMessages, IDLE, busyWait),
            key -> SmtpConnection.open(key.address(), key.serverName(), key.settings()), clock::get);
        return pool;
    }

    private ConnectionPool pool() {
        return pool(5, 100, NO_WAIT);
    }

    private static SmtpClientSettings.Builder settings() {
        return SmtpClientSettings.builder()
            .heloName("relay.sender.test")
            .connectTimeout(Duration.ofSeconds(2))
            .readTimeout(Duration.ofSeconds(2));
    }

    private ConnectionKey key(SmtpClientSettings.Builder settings) {
        return new ConnectionKey(server.socketAddress(), "mx.acme.test", settings.build());
    }

    private ConnectionKey key() {
        return key(settings());
    }

    private Lease lease(ConnectionKey key) throws InterruptedException {
        return pool.lease(key).orElseThrow(() -> new AssertionError("the server is busy"));
    }

    /** One message through the pool, as the delivery engine sends it; returns whether the lease reused a connection. */
    private boolean deliver(ConnectionKey key) throws Exception {
        try (Lease lease = lease(key)) {
            TransactionResult result = lease.connection().send(Envelope.of("alice@sender.test", "bob@acme.test"), MESSAGE);
            assertThat(result.messageAccepted()).isTrue();
            return lease.reused();
        }
    }

    @Test
    void theNextMessageToTheSameServerReusesTheIdleConnection() throws Exception {
        pool();

        boolean first = deliver(key());
        boolean second = deliver(key());
        boolean third = deliver(key());

        assertThat(first).isFalse();
        assertThat(second).isTrue();
        assertThat(third).isTrue();
        assertThat(server.connectionCount()).isEqualTo(1);
        assertThat(server.messageCount()).isEqualTo(3);
        assertThat(pool.statistics()).isEqualTo(new ConnectionPool.Statistics(1, 2, 1, 0, 0));
    }

    @Test
    void aConnectionCarriesAtMostMaxMessagesAndIsThenClosedWithQuit() throws Exception {
        pool(5, 3, NO_WAIT);

        for (int i = 0; i < 7; i++) {
            deliver(key());
        }

        assertThat(server.connectionCount()).isEqualTo(3);
        assertThat(server.commandLines()).filteredOn("QUIT"::equals).hasSize(2);
        assertThat(server.messageCount()).isEqualTo(7);
    }

    @Test
    void oneMessagePerConnectionKeepsNothing() throws Exception {
        pool(5, 1, NO_WAIT);

        deliver(key());
        deliver(key());

        assertThat(server.connectionCount()).isEqualTo(2);
        server.awaitOpenConnections(0, Duration.ofSeconds(5));
    }

    @Test
    void anIdleConnectionIsClosedWithQuitOnceItIdledForTheIdleTime() throws Exception {
        pool();
        deliver(key());
        clock.addAndGet(IDLE.toNanos() - 1);
        pool.closeIdleExpired();
        assertThat(server.openConnectionCount()).as("not idle long enough yet").isEqualTo(1);

        clock.addAndGet(1);
        pool.closeIdleExpired();

        server.awaitOpenConnections(0, Duration.ofSeconds(5));
        assertThat(server.commandLines()).endsWith("QUIT");
        assertThat(pool.statistics().idle()).isZero();
    }

    @Test
    void aConnectionThatIdledTooLongIsNotReused() throws Exception {
        pool();
        deliver(key());
        clock.addAndGet(IDLE.toNanos());

        boolean reused = deliver(key());

        assertThat(reused).isFalse();
        assertThat(server.connectionCount()).isEqualTo(2);
        assertThat(server.commandLines()).contains("QUIT");
    }

    @Test
    void theReaperClosesIdleConnectionsByItself() throws Exception {
        pool = ConnectionPool.create(new PoolLimits(5, 100, Duration.ofMillis(100), NO_WAIT));

        deliver(key());

        server.awaitOpenConnections(0, Duration.ofSeconds(10));
        assertThat(server.commandLines()).endsWith("QUIT");
    }

    @Test
    void aConnectionThatGot421IsClosedAndNeverReused() throws Exception {
        pool();
        server.behave(Behaviour.builder().endOfDataReply("421 4.3.2 shutting down").build());
        try (Lease lease = lease(key())) {
            lease.connection().send(Envelope.of("alice@sender.test", "bob@acme.test"), MESSAGE);
        }
        server.behave(Behaviour.normal());

        boolean reused = deliver(key());

        assertThat(reused).isFalse();
        assertThat(server.connectionCount()).isEqualTo(2);
    }

    @Test
    void aConnectionThatTimedOutIsClosedAndNeverReused() throws Exception {
        pool();
        ConnectionKey impatient = key(settings().readTimeout(Duration.ofMillis(300)));
        deliver(impatient);
        server.behave(Behaviour.builder().replyDelay(Duration.ofSeconds(2)).build());
        try (Lease lease = lease(impatient)) {
            SmtpConnection connection = lease.connection();
            SmtpSessionException failure = catchThrowableOfType(() -> connection.send(
                Envelope.of("alice@sender.test", "bob@acme.test"), MESSAGE), SmtpSessionException.class);
            assertThat(failure.timedOut()).isTrue();
        }
        server.behave(Behaviour.normal());

        boolean reused = deliver(impatient);

        assertThat(reused).isFalse();
        assertThat(server.connectionCount()).isEqualTo(2);
    }

    @Test
    void aConnectionLostInTheMiddleOfATransactionIsNeverReused() throws Exception {
        pool();
        server.behave(Behaviour.builder().dropAt(io.github.tiereddelivery.smtp.Stage.RCPT).build());
        try (Lease lease = lease(key())) {
            SmtpConnection connection = lease.connection();
            catchThrowableOfType(() -> connection.send(Envelope.of("alice@sender.test", "bob@acme.test"), MESSAGE),
                SmtpSessionException.class);
        }
        server.behave(Behaviour.normal());

        boolean reused = deliver(key());

        assertThat(reused).isFalse();
        assertThat(pool.statistics().opened()).isEqualTo(2);
    }

    @Test
    void aRefusedMessageLeavesTheSessionInAKnownStateAndTheConnectionIsKept() throws Exception {
        pool();
        server.behave(Behaviour.builder().rcptReply("550 5.1.1 unknown").build());
        try (Lease lease = lease(key())) {
            lease.connection().send(Envelope.of("alice@sender.test", "gone@acme.test"), MESSAGE);
        }
        server.behave(Behaviour.normal());

        boolean reused = deliver(key());

        assertThat(reused).isTrue();
        assertThat(server.commandLines()).containsSubsequence("RCPT TO:<gone@acme.test>", "RSET", "MAIL FROM:<alice@sender.test>");
    }

    @Test
    void aDiscardedConnectionIsClosedAndTheLeaseOpensANewOne() throws Exception {
        pool();
        deliver(key());
        try (Lease lease = lease(key())) {
            lease.connection();
            assertThat(lease.reused()).isTrue();

            lease.discard();
            lease.connection().send(Envelope.of("alice@sender.test", "bob@acme.test"), MESSAGE);

            assertThat(lease.reused()).isFalse();
        }
        assertThat(server.connectionCount()).isEqualTo(2);
        server.awaitOpenConnections(1, Duration.ofSeconds(5));
    }

    @Test
    void sessionsOfDifferentCredentialsTlsPolicyHeloOrServerNameAreNeverShared() throws Exception {
        server.behave(Behaviour.builder().requireAuth("acme", "secret").build());
        pool(10, 100, NO_WAIT);
        ConnectionKey acme = key(settings().credentials(new Credentials("acme", "secret")));
        ConnectionKey acmeAgain = key(settings().credentials(new Credentials("acme", "secret")));
        ConnectionKey otherPassword = key(settings().credentials(new Credentials("acme", "other")));
        ConnectionKey opportunisticTls = key(settings().credentials(new Credentials("acme", "secret"))
            .startTls(StartTlsPolicy.OPPORTUNISTIC));
        ConnectionKey otherHelo = key(settings().heloName("other.sender.test").credentials(new Credentials("acme", "secret")));
        ConnectionKey otherName = new ConnectionKey(server.socketAddress(), "mx2.acme.test",
            settings().credentials(new Credentials("acme", "secret")).build());

        deliver(acme);
        assertThat(deliver(acmeAgain)).as("equal settings share").isTrue();
        try (Lease lease = lease(otherPassword)) {
            catchThrowableOfType(lease::connection, SmtpSessionException.class);
            assertThat(lease.reused()).isFalse();
        }
        assertThat(deliver(opportunisticTls)).isFalse();
        assertThat(deliver(otherHelo)).isFalse();
        assertThat(deliver(otherName)).isFalse();

        assertThat(server.connectionCount()).isEqualTo(5);
        assertThat(server.commandLines()).filteredOn(line -> line.startsWith("AUTH")).hasSize(5);
    }

    @Test
    void aPooledConnectionKeepsItsAuthenticatedSession() throws Exception {
        server.behave(Behaviour.builder().requireAuth("acme", "secret").build());
        pool();
        ConnectionKey acme = key(settings().credentials(new Credentials("acme", "secret")));

        deliver(acme);
        deliver(acme);

        assertThat(server.commandLines()).filteredOn(line -> line.startsWith("AUTH")).hasSize(1);
        assertThat(server.messageCount()).isEqualTo(2);
    }

    @Test
    void aServerWithAllItsConnectionsInUseIsBusyOnceTheWaitIsOver() throws Exception {
        pool(2, 100, Duration.ofMillis(50));
        try (Lease first = lease(key()); Lease second = lease(key())) {

            Optional<Lease> third = pool.lease(key());

            assertThat(third).isEmpty();
        }
    }

    @Test
    void aServerThatIsDownGetsOneSessionAtATimeAndNobodyWaitsForIt() throws Exception {
        pool(5, 100, Duration.ofSeconds(30));
        try (Lease alone = pool.leaseAlone(key()).orElseThrow()) {
            long start = System.nanoTime();

            Optional<Lease> second = pool.leaseAlone(key());

            assertThat(second).isEmpty();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        }
        try (Lease afterwards = pool.leaseAlone(key()).orElseThrow()) {
            assertThat(afterwards.reused()).isFalse();
        }
    }

    @Test
    void theBoundIsPerServerWhateverTheKey() throws Exception {
        pool(1, 100, Duration.ofMillis(50));
        try (Lease first = lease(key())) {

            Optional<Lease> otherKey = pool.lease(key(settings().heloName("other.sender.test")));

            assertThat(otherKey).isEmpty();
        }
    }

    @Test
    void aWaitingMessageGetsTheSessionThatEnds() throws Exception {
        pool(1, 100, Duration.ofSeconds(30));
        Lease first = lease(key());
        first.connection();

        CompletableFuture<Boolean> waiting = CompletableFuture.supplyAsync(() -> {
            try {
                return deliver(key());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        assertThat(waiting).isNotDone();
        first.close();

        assertThat(waiting.get(10, TimeUnit.SECONDS)).as("reused the connection of the first").isTrue();
        assertThat(server.connectionCount()).isEqualTo(1);
    }

    @Test
    void manyThreadsSharingAServerNeverHoldMoreConnectionsThanTheBound() throws Exception {
        pool(3, 1000, Duration.ofSeconds(30));
        List<CompletableFuture<Void>> senders = new ArrayList<>();
        ExecutorService threads = Executors.newFixedThreadPool(8);
        try {
            for (int thread = 0; thread < 8; thread++) {
                senders.add(CompletableFuture.runAsync(() -> {
                    for (int i = 0; i < 25; i++) {
                        try {
                            deliver(key());
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                    }
                }, threads));
            }
            CompletableFuture.allOf(senders.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        } finally {
            threads.shutdownNow();
        }

        assertThat(server.messageCount()).isEqualTo(200);
        assertThat(server.mostOpenConnections()).isLessThanOrEqualTo(3);
        assertThat(server.connectionCount()).isLessThanOrEqualTo(3);
    }

    @Test
    void idleConnectionsOfAnotherKeyGiveWayToANewSessionWithinTheBound() throws Exception {
        pool(1, 100, NO_WAIT);
        deliver(key());

        deliver(key(settings().heloName("other.sender.test")));

        assertThat(server.connectionCount()).isEqualTo(2);
        server.awaitOpenConnections(1, Duration.ofSeconds(5));
        assertThat(server.commandLines()).containsSubsequence("EHLO relay.sender.test", "QUIT", "EHLO other.sender.test");
    }

    @Test
    void closingThePoolQuitsIdleConnectionsAndThoseInUseWhenTheirLeaseEnds() throws Exception {
        pool();
        deliver(key());
        Lease inUse = lease(key());
        inUse.connection();
        Lease other = lease(key());
        other.connection();
        assertThat(server.openConnectionCount()).isEqualTo(2);

        pool.close();
        inUse.close();
        other.close();

        server.awaitOpenConnections(0, Duration.ofSeconds(5));
        assertThat(server.commandLines()).filteredOn("QUIT"::equals).hasSize(2);
        assertThat(pool.statistics()).isEqualTo(new ConnectionPool.Statistics(2, 1, 0, 0, 0));
    }

    @Test
    void aServerNoLongerUsedIsForgotten() throws Exception {
        pool();
        deliver(key());
        clock.addAndGet(IDLE.toNanos());

        pool.closeIdleExpired();

        assertThat(pool.statistics()).isEqualTo(new ConnectionPool.Statistics(1, 0, 0, 0, 0));
        assertThat(pool.serverCount()).isZero();
    }
}
