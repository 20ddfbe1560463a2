package io.github.tiereddelivery.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.github.tiereddelivery.it.support.DeliveryScenario;
import io.github.tiereddelivery.it.support.DeliveryStatusNotification;
import io.github.tiereddelivery.testing.Behaviour;
import io.github.tiereddelivery.testing.ReceivedMessage;

/** Case 11: the server refuses one of two recipients; the other is delivered once, the refused one on its own. */
class PartialDeliveryTest {
    private static final Duration DELAY = Duration.ofSeconds(2);
    private static final String UNKNOWN_USER = "550 5.1.1 <bad@acme.test>: Recipient address rejected: User unknown";

    @RegisterExtension
    static final DeliveryScenario scenario = DeliveryScenario.builder()
        .server("mail", "127.0.0.2")
        .route("<route domain=\"acme.test\"><host>[127.0.0.2]</host></route>")
        .mailetParameter("delayTime", DELAY.toSeconds() + " seconds")
        .mailetParameter("maxRetries", "3")
        .build();

    @Test
    void a550RecipientIsBouncedAloneAndTheOtherIsDeliveredOnce() throws Exception {
        scenario.server("mail").behave(Behaviour.builder()
            .rcptReply(address -> address.equals("bad@acme.test") ? UNKNOWN_USER : "250 2.1.5 OK")
            .build());

        String sent = scenario.send("good@acme.test", "bad@acme.test");
        scenario.awaitDelivered(1, Duration.ofSeconds(60), "mail");
        scenario.awaitBounces(1, Duration.ofSeconds(60));
        Thread.sleep(DELAY.multipliedBy(2).toMillis());

        assertThat(scenario.server("mail").messages()).singleElement().satisfies(message -> {
            assertThat(message.messageId()).contains(sent);
            assertThat(message.recipients()).containsExactly("good@acme.test");
        });
        assertThat(scenario.bounces()).hasSize(1);
        DeliveryStatusNotification dsn = DeliveryStatusNotification.parse(scenario.bounces().get(0));
        assertThat(dsn.recipients()).containsExactly("bad@acme.test");
        assertThat(dsn.field("bad@acme.test", "Status")).contains("5.1.1");
        assertThat(dsn.field("bad@acme.test", "Diagnostic-Code")).contains("smtp; " + UNKNOWN_USER);
        assertThat(dsn.field("bad@acme.test", "Remote-MTA")).contains("dns; 127.0.0.2");
    }

    @Test
    void recipientsOverTheServersLimitPerTransactionAreAllDeliveredOnceInTheSameAttempt() throws Exception {
        scenario.server("mail").behave(Behaviour.builder().maxRecipientsPerTransaction(2).build());
        String[] recipients = IntStream.rangeClosed(1, 10).mapToObj(i -> "r" + i + "@acme.test").toArray(String[]::new);

        scenario.send(recipients);

        scenario.awaitDelivered(5, Duration.ofSeconds(60), "mail");
        Thread.sleep(DELAY.multipliedBy(2).toMillis());
        assertThat(scenario.server("mail").messages()).hasSize(5)
            .flatExtracting(ReceivedMessage::recipients).containsExactlyInAnyOrder(recipients);
        assertThat(scenario.bounces()).isEmpty();
    }

    @Test
    void a451RecipientIsRetriedLaterAndDeliveredOnceWhileTheOtherIsDeliveredOnce() throws Exception {
        AtomicBoolean greylisting = new AtomicBoolean(true);
        scenario.server("mail").behave(Behaviour.builder()
            .rcptReply(address -> address.equals("later@acme.test") && greylisting.get()
                ? "451 4.7.1 <later@acme.test>: Recipient address rejected: Greylisted" : "250 2.1.5 OK")
            .build());

        scenario.send("good@acme.test", "later@acme.test");
        scenario.awaitDelivered(1, Duration.ofSeconds(60), "mail");
        greylisting.set(false);
        scenario.awaitDelivered(2, Duration.ofSeconds(60), "mail");
        Thread.sleep(DELAY.multipliedBy(2).toMillis());

        List<ReceivedMessage> messages = scenario.server("mail").messages();
        assertThat(messages).extracting(ReceivedMessage::recipients)
            .containsExactly(List.of("good@acme.test"), List.of("later@acme.test"));
        assertThat(messages.get(0).messageId()).isEqualTo(messages.get(1).messageId());
        assertThat(scenario.bounces()).isEmpty();
    }
}
