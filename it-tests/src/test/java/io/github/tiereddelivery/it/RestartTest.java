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
 * queued is delivered by the James started next, exactly once, whether it was waiting for a retry or being delivered
 * when James stopped.
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
        // The slow server's replies (3 s each) stay within the timeout: only James' stop interrupts that delivery.
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
    void mailWhoseDeliveryJamesCutOffWhenItStoppedIsDeliveredExactlyOnceByTheJamesStartedNext() throws Exception {
        ReceivingSmtpServer slow = scenario.server("slow");
        // 3 s per reply: the message would be sent about 15 s into the session, long after James' stop cut it off.
        slow.behave(Behaviour.builder().replyDelay(Duration.ofSeconds(3)).build());
        String sent = scenario.send("user@slow.test");
        slow.awaitOpenConnections(1, Duration.ofSeconds(30));

        // James' stop grants a delivery in progress 5 s, then closes the queue: the mail, not acknowledged, stays in
        // it. The session dies as it would with James' JVM (stopping the server closes it), before the message.
        scenario.stopJames();
        slow.stop();
        assertThat(slow.messageCount()).isZero();
        slow.behave(Behaviour.normal());
        slow.restart();
        scenario.startJames();

        scenario.awaitDelivered(1, DELIVERY_TIMEOUT, "slow");
        awaitOutgoingQueueSize(0);
        assertThat(scenario.receivedMessageIds("slow")).containsExactly(sent);
        assertThat(scenario.bounces()).isEmpty();
    }

    private static void awaitOutgoingQueueSize(int size) {
        Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
            .until(() -> scenario.outgoingQueueSize() == size);
    }
}
