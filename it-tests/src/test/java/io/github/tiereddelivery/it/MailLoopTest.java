package io.github.tiereddelivery.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.github.tiereddelivery.it.support.DeliveryScenario;
import io.github.tiereddelivery.it.support.TcpProxy;
import io.github.tiereddelivery.testing.Behaviour;

/** SPEC "Delivery behaviour": a route that resolves to this James' own SMTP listener is not used (mail loop). */
class MailLoopTest {
    private static final String OWN_NAME = "gateway.tiered.test";

    @RegisterExtension
    static final DeliveryScenario scenario = DeliveryScenario.builder()
        .server("backup", "127.0.0.2")
        .server("impostor", "127.0.0.3")
        .mailetParameter("heloName", OWN_NAME)
        .build();

    /** This James behind another address (a NAT, a load balancer): only its EHLO name tells it is this James. */
    private static TcpProxy proxy;

    @BeforeAll
    static void routeToThisJames() throws Exception {
        // James' SMTP port is known once it runs: the routes come by the live reload of the routes file.
        String ownListener = "[127.0.0.1]:" + scenario.james().smtpPort();
        proxy = TcpProxy.start("127.0.0.4", new InetSocketAddress("127.0.0.1", scenario.james().smtpPort()));
        scenario.rewriteRoutes(
            "<route domain=\"acme.test\"><host preference=\"10\">" + ownListener + "</host>"
                + "<host preference=\"20\">[127.0.0.2]</host></route>",
            "<route domain=\"loop.test\"><host>" + ownListener + "</host></route>",
            "<route domain=\"greeting.test\"><host preference=\"10\">[127.0.0.3]</host>"
                + "<host preference=\"20\">[127.0.0.2]</host></route>",
            "<route domain=\"proxied.test\"><host preference=\"10\">[127.0.0.4]:" + proxy.port() + "</host>"
                + "<host preference=\"20\">[127.0.0.2]</host></route>");
        Thread.sleep(2000);
    }

    @Test
    void aServerThatIsThisJamesIsSkippedAndTheNextTierGetsTheMailOnce() throws Exception {
        List<String> sent = scenario.send(3, "user@acme.test");

        scenario.awaitDelivered(3, Duration.ofSeconds(60), "backup");
        Thread.sleep(1000);

        assertThat(scenario.receivedMessageIds("backup")).containsExactlyInAnyOrderElementsOf(sent);
    }

    @AfterAll
    static void stopProxy() throws Exception {
        proxy.close();
    }

    @Test
    void thisJamesBehindAnotherAddressIsKnownByItsEhloNameAndNotSentTo() throws Exception {
        String sent = scenario.send("user@proxied.test");

        scenario.awaitDelivered(1, Duration.ofSeconds(60), "backup");
        Thread.sleep(1000);

        assertThat(scenario.receivedMessageIds("backup")).as("once, not looped back through this James")
            .containsExactly(sent);
    }

    @Test
    void aMailThatWentRoundThirtyTimesIsBouncedToItsSenderNotDropped() throws Exception {
        String received = "Received: from relay.elsewhere.test by gateway.tiered.test; Sun, 29 Nov 2026 10:00:00 +0000\r\n";
        scenario.james().sendRawMessage(DeliveryScenario.SENDER, List.of("user@greeting.test"),
            received.repeat(31) + "Message-ID: <looping@sender.test>\r\nSubject: round and round\r\n\r\nHello\r\n");

        scenario.awaitBounces(1, Duration.ofSeconds(60));

        assertThat(scenario.bounces().get(0).contentAsString()).contains("Mail loop: this message was relayed 30 times");
        assertThat(scenario.counts().values()).as("not sent anywhere").containsOnly(0);
    }

    @Test
    void aServerThatGreetsWithThisJamesNameIsNotSentTo() throws Exception {
        scenario.server("impostor").behave(Behaviour.builder().greeting("220 " + OWN_NAME + " ESMTP").build());

        String sent = scenario.send("user@greeting.test");

        scenario.awaitDelivered(1, Duration.ofSeconds(60), "backup");
        assertThat(scenario.receivedMessageIds("backup")).containsExactly(sent);
        assertThat(scenario.server("impostor").connectionCount()).isEqualTo(1);
        assertThat(scenario.server("impostor").transactionCount()).isZero();
    }

    @Test
    void aRouteThatOnlyLoopsBackKeepsTheMailQueuedInsteadOfSendingIt() throws Exception {
        scenario.send("user@loop.test");

        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> scenario.outgoingQueueSize() == 1);
        Thread.sleep(1000);
        assertThat(scenario.outgoingQueueSize()).isEqualTo(1);
        assertThat(scenario.bounces()).isEmpty();
    }
}
