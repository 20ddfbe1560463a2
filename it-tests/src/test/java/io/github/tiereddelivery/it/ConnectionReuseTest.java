package io.github.tiereddelivery.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.github.tiereddelivery.it.support.DeliveryScenario;
import io.github.tiereddelivery.testing.Behaviour;

/**
 * Connection reuse in a real James: SMTP sessions are counted where the receiving servers see them. The balancing
 * policy chooses the server of every message before a pooled connection to it is taken, so reuse keeps the shares;
 * sessions that failed are closed; a hung server holds at most maxConnectionsPerServer (here 5, half of the 10
 * delivery threads of conf/) sessions and costs the timeout once.
 */
class ConnectionReuseTest {
    private static final int MESSAGES = 1200;
    /** 100 sessions per 5000 messages (issue 6), in proportion. */
    private static final int MOST_SESSIONS = MESSAGES * 100 / 5000;
    private static final Duration DELIVERY = Duration.ofSeconds(60);

    @RegisterExtension
    static final DeliveryScenario scenario = DeliveryScenario.builder()
        .server("rr-1", "127.0.0.2").server("rr-2", "127.0.0.3").server("rr-3", "127.0.0.4")
        .server("random-1", "127.0.0.5").server("random-2", "127.0.0.6").server("random-3", "127.0.0.7")
        .server("primary", "127.0.0.8").server("backup", "127.0.0.9").server("slow", "127.0.0.10")
        .route("<route domain=\"rr.test\" balancing=\"round-robin\">"
            + "<host>[127.0.0.2]</host><host>[127.0.0.3]</host><host>[127.0.0.4]</host></route>")
        .route("<route domain=\"random.test\"><host>[127.0.0.5]</host><host>[127.0.0.6]</host><host>[127.0.0.7]</host></route>")
        .route("<route domain=\"failover.test\"><host preference=\"10\">[127.0.0.8]</host>"
            + "<host preference=\"20\">[127.0.0.9]</host></route>")
        .route("<route domain=\"slow.test\"><host>[127.0.0.10]</host></route>")
        .build();

    private static int sessions(String... servers) {
        return Stream.of(servers).mapToInt(name -> scenario.server(name).connectionCount()).sum();
    }

    /** Submits the messages from four SMTP clients at once, as a busy gateway receives them. */
    private static List<String> sendInParallel(int count, String recipient) throws Exception {
        ExecutorService clients = Executors.newFixedThreadPool(4);
        try {
            List<Future<String>> sent = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                int number = i;
                sent.add(clients.submit(() -> scenario.james().sendMail(DeliveryScenario.SENDER, List.of(recipient),
                    "message " + number, "Message number " + number + ".\r\n")));
            }
            List<String> messageIds = new ArrayList<>();
            for (Future<String> messageId : sent) {
                messageIds.add(messageId.get());
            }
            return messageIds;
        } finally {
            clients.shutdownNow();
        }
    }

    @Test
    void roundRobinGivesEachServerOfTheTierExactlyAThirdOverAFewSessions() throws Exception {
        List<String> sent = sendInParallel(MESSAGES, "user@rr.test");

        scenario.awaitDelivered(MESSAGES, DELIVERY, "rr-1", "rr-2", "rr-3");

        assertThat(scenario.receivedMessageIds("rr-1", "rr-2", "rr-3")).containsExactlyInAnyOrderElementsOf(sent);
        assertThat(scenario.server("rr-1").messageCount()).isEqualTo(MESSAGES / 3);
        assertThat(scenario.server("rr-2").messageCount()).isEqualTo(MESSAGES / 3);
        assertThat(scenario.server("rr-3").messageCount()).isEqualTo(MESSAGES / 3);
        assertThat(sessions("rr-1", "rr-2", "rr-3")).isLessThanOrEqualTo(MOST_SESSIONS);
    }

    /** Each share is p = 1/3 of 1200: sd 16.3 messages; 80 on either side is almost five sd (1 in 10^6 flakes). */
    @Test
    void randomBalancingKeepsItsSharesOverAFewSessions() throws Exception {
        List<String> sent = sendInParallel(MESSAGES, "user@random.test");

        scenario.awaitDelivered(MESSAGES, DELIVERY, "random-1", "random-2", "random-3");

        assertThat(scenario.receivedMessageIds("random-1", "random-2", "random-3")).containsExactlyInAnyOrderElementsOf(sent);
        for (String server : List.of("random-1", "random-2", "random-3")) {
            assertThat(scenario.server(server).messageCount()).isBetween(MESSAGES / 3 - 80, MESSAGES / 3 + 80);
        }
        assertThat(sessions("random-1", "random-2", "random-3")).isLessThanOrEqualTo(MOST_SESSIONS);
    }

    @Test
    void aServerAnswering421MidStreamHasItsConnectionClosedAndTheMailGoesToTheOthersExactlyOnce() throws Exception {
        List<String> sent = new ArrayList<>(scenario.send(30, "user@rr.test"));
        scenario.awaitDelivered(30, DELIVERY, "rr-1", "rr-2", "rr-3");
        scenario.server("rr-1").behave(Behaviour.builder().endOfDataReply("421 4.3.2 shutting down").build());

        sent.addAll(scenario.send(30, "user@rr.test"));

        scenario.awaitDelivered(60, DELIVERY, "rr-1", "rr-2", "rr-3");
        assertThat(scenario.receivedMessageIds("rr-1", "rr-2", "rr-3")).containsExactlyInAnyOrderElementsOf(sent);
        assertThat(scenario.server("rr-1").messageCount()).isEqualTo(10);
        scenario.server("rr-1").awaitOpenConnections(0, Duration.ofSeconds(10));
    }

    @Test
    void aPrimaryThatHangsOnItsPooledConnectionCostsTheTimeoutOnceThenMailFlowsToTheBackup() throws Exception {
        scenario.send(5, "user@failover.test");
        scenario.awaitDelivered(5, DELIVERY, "primary");
        // Delivery threads that overlapped may have opened more than one session: those stay pooled.
        int pooledSessions = scenario.server("primary").connectionCount();
        scenario.server("primary").behave(Behaviour.builder().replyDelay(Duration.ofHours(1)).build());

        String first = scenario.send("user@failover.test");
        scenario.awaitDelivered(1, DELIVERY, "backup");
        List<String> then = sendInParallel(50, "user@failover.test");

        scenario.awaitDelivered(51, DELIVERY, "backup");
        assertThat(scenario.receivedMessageIds("backup")).containsOnlyOnce(first).containsAll(then);
        assertThat(scenario.server("primary").connectionCount()).as("no new session while it is down").isEqualTo(pooledSessions);
        assertThat(scenario.server("primary").messageCount()).isEqualTo(5);
    }

    @Test
    void aPrimaryThatNeverGreetsHoldsAtMostMaxConnectionsPerServerOfTheDeliveryThreads() throws Exception {
        scenario.server("primary").behave(Behaviour.builder().neverGreet().build());

        List<String> sent = sendInParallel(40, "user@failover.test");

        scenario.awaitDelivered(40, DELIVERY, "backup");
        assertThat(scenario.receivedMessageIds("backup")).containsExactlyInAnyOrderElementsOf(sent);
        assertThat(scenario.server("primary").connectionCount()).isBetween(1, 5);
    }

    /**
     * More mail than sessions for the only server of a route, each reply half a second late: the mail waiting for a
     * session is not deferred for a delayTime (an hour here) but tried again a moment later, and all of it arrives.
     */
    @Test
    void mailForABusyServerWaitsForASessionInsteadOfForTheNextRetry() throws Exception {
        scenario.server("slow").behave(Behaviour.builder().replyDelay(Duration.ofMillis(500)).build());

        List<String> sent = sendInParallel(30, "user@slow.test");

        scenario.awaitDelivered(30, DELIVERY, "slow");
        assertThat(scenario.receivedMessageIds("slow")).containsExactlyInAnyOrderElementsOf(sent);
        assertThat(scenario.server("slow").connectionCount()).isLessThanOrEqualTo(5);
    }
}
