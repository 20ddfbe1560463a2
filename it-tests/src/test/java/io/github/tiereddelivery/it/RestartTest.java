package io.github.tiereddelivery.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.github.tiereddelivery.it.support.ActiveMQMailQueueModule;
import io.github.tiereddelivery.it.support.DeliveryScenario;
import io.github.tiereddelivery.testing.Behaviour;
import io.github.tiereddelivery.testing.ReceivingSmtpServer;

/**
 * James stopped and started again, on a persistent mail queue: James' ActiveMQ queue with its KahaDB store, as in
 * James' JPA server (the memory server's queue is in memory: {@link MemoryQueueRestartTest}). The mail James had
 * queued is delivered by the James started next, exactly once when it was waiting for a retry, and at least once
 * when it was being delivered at the stop (SMTP's at-least-once: the server may have it already).
 */
class RestartTest {
    private static final Duration DELAY = Duration.ofSeconds(3);
    /** Longer than the ActiveMQ queue's 10 s poll for mail that became due, plus a James start on a busy machine. */
    private static final Duration DELIVERY_TIMEOUT = Duration.ofSeconds(90);

    @RegisterExtension
    static final DeliveryScenario scenario = DeliveryScenario.builder()
        .server("acme", "127.0.0.2")
        .server("slow", "127.0.0.3")
        .route("<route domain=\"acme.test\"><host>[127.0.0.2]</host></route>")
        .route("<route domain=\"slow.test\"><host>[127.0.0.3]</host></route>")
        .mailetParameter("delayTime", DELAY.toSeconds() + " seconds")
        .mailetParameter("maxRetries", "20")
        // The slow server's replies (2 s each) stay within the timeout: only James' stop interrupts that delivery.
        .mailetParameter("timeout", "10000")
        .overrideModule(new ActiveMQMailQueueModule())
        .build();

    @Test
    void mailWaitingForRetryWhenJamesStopsIsDeliveredExactlyOnceByTheJamesStartedNext() throws Exception {
        scenario.server("acme").stop();
        List<String> sent = scenario.send(5, "user@acme.test");
        // Each mail tried once (the one server refused it) and re-queued for a retry in DELAY.
        scenario.awaitFailedSessions("acme", sent.size(), Duration.ofSeconds(30));
        awaitOutgoingQueueSize(sent.size());

        scenario.stopJames();
        scenario.server("acme").restart();
        scenario.startJames();

        scenario.awaitDelivered(sent.size(), DELIVERY_TIMEOUT, "acme");
        awaitOutgoingQueueSize(0);
        assertThat(scenario.receivedMessageIds("acme")).containsExactlyInAnyOrderElementsOf(sent);
        assertThat(scenario.bounces()).isEmpty();
    }

    @Test
    void mailBeingDeliveredWhenJamesStopsIsDeliveredByTheJamesStartedNext() throws Exception {
        ReceivingSmtpServer slow = scenario.server("slow");
        slow.behave(Behaviour.builder().replyDelay(Duration.ofSeconds(2)).build());
        String sent = scenario.send("user@slow.test");
        // The session lasts about 14 s, longer than the 5 s James' stop grants a delivery in progress.
        slow.awaitOpenConnections(1, Duration.ofSeconds(30));

        scenario.stopJames();
        // The session James left open goes on at normal speed; the message is stored, its 250 acknowledges nothing:
        // the queue closed with the mail still in it.
        slow.behave(Behaviour.normal());
        scenario.startJames();

        Awaitility.await().atMost(DELIVERY_TIMEOUT).pollInterval(Duration.ofMillis(200))
            .until(() -> slow.messageCount() >= 1 && slow.openConnectionCount() == 0 && scenario.outgoingQueueSize() == 0);
        // Delivered: once, or twice where the stopped James' session completed too (SMTP's at-least-once).
        assertThat(scenario.receivedMessageIds("slow")).containsOnly(sent).hasSizeBetween(1, 2);
        assertThat(scenario.bounces()).isEmpty();
    }

    private static void awaitOutgoingQueueSize(int size) {
        Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
            .until(() -> scenario.outgoingQueueSize() == size);
    }
}
