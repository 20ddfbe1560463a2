package io.github.tiereddelivery.it;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.hasSize;

import java.time.Duration;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.github.tiereddelivery.it.support.DeliveryScenario;
import io.github.tiereddelivery.testing.Behaviour;

/**
 * James 3.8.1's WebAdmin {@code GET /mailQueues/{name}/mails} closes the queue twice for the one reference it takes; on
 * the memory queue the reference count of the delivery mailet's queue falls to 0, which stops the queue and drops the
 * mail in it (stock RemoteDelivery too). The extension gives the listing the reference it takes away: listing the
 * outgoing queue, as the README's operating notes say to, loses nothing.
 */
class MailQueueListingTest {
    private static final Duration DELAY = Duration.ofSeconds(3);

    @RegisterExtension
    static final DeliveryScenario scenario = DeliveryScenario.builder()
        .server("acme", "127.0.0.2")
        .route("<route domain=\"acme.test\"><host>[127.0.0.2]</host></route>")
        .mailetParameter("delayTime", DELAY.toSeconds() + " seconds")
        .build();

    private static void listOutgoingQueue(int expectedMails) {
        given().spec(scenario.webAdmin()).get("/mailQueues/outgoing/mails").then().statusCode(200).body("$", hasSize(expectedMails));
    }

    @Test
    void mailSentAfterTheOutgoingQueueWasListedIsDelivered() throws Exception {
        listOutgoingQueue(0);
        listOutgoingQueue(0);

        scenario.send("alice@acme.test");

        scenario.awaitDelivered(1, Duration.ofSeconds(60), "acme");
    }

    @Test
    void mailWaitingForItsRetryInTheListedQueueIsDeliveredAtTheRetry() throws Exception {
        scenario.server("acme").behave(Behaviour.builder().rcptReply("451 4.3.0 try again later").build());
        scenario.send("bob@acme.test");
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> scenario.server("acme").transactionCount() > 0);
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> scenario.outgoingQueueSize() == 1);

        listOutgoingQueue(1);
        listOutgoingQueue(1);
        scenario.server("acme").behave(Behaviour.normal());

        scenario.awaitDelivered(1, Duration.ofSeconds(60), "acme");
        assertThat(scenario.outgoingQueueSize()).isZero();
    }
}
