package io.github.tiereddelivery.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.github.tiereddelivery.it.support.DeliveryScenario;
import io.github.tiereddelivery.it.support.DeliveryStatusNotification;
import io.github.tiereddelivery.testing.Behaviour;

/**
 * RFC 1870: a message larger than the SIZE a server announced is not sent to it, also where MAIL, RCPT and BDAT
 * would go out in one write before the server could refuse; the sender gets a bounce (5.3.4), as with Postfix.
 */
class MessageSizeTest {

    @RegisterExtension
    static final DeliveryScenario scenario = DeliveryScenario.builder()
        .server("small", "127.0.0.2")
        .route("<route domain=\"acme.test\"><host>[127.0.0.2]</host></route>")
        .build();

    /** The server announces SIZE from now on; a session kept from an earlier test is closed so that it says so. */
    private static void announceSize(long limit) {
        scenario.server("small").behave(Behaviour.builder().ehloCapabilities("PIPELINING", "CHUNKING", "SIZE " + limit).build());
        scenario.server("small").closeConnections();
    }

    @Test
    void aMessageOverTheAnnouncedSizeIsBouncedWithoutBeingSent() throws Exception {
        announceSize(200);

        scenario.send("bob@acme.test");

        scenario.awaitBounces(1, Duration.ofSeconds(60));
        DeliveryStatusNotification dsn = DeliveryStatusNotification.parse(scenario.bounces().get(0));
        assertThat(dsn.field("bob@acme.test", "Status")).contains("5.3.4");
        assertThat(dsn.field("bob@acme.test", "Diagnostic-Code")).hasValueSatisfying(code ->
            assertThat(code).contains("exceeds the size limit 200"));
        assertThat(scenario.server("small").commandLines())
            .noneMatch(line -> line.startsWith("MAIL") || line.startsWith("BDAT") || line.startsWith("DATA"));
        assertThat(scenario.server("small").messageCount()).isZero();
    }

    @Test
    void aMessageWithinTheAnnouncedSizeIsDelivered() throws Exception {
        announceSize(100_000);

        scenario.send("alice@acme.test");

        scenario.awaitDelivered(1, Duration.ofSeconds(60), "small");
    }
}
