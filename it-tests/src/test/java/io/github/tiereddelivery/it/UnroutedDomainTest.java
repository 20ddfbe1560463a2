package io.github.tiereddelivery.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.github.tiereddelivery.it.support.DeliveryScenario;
import io.github.tiereddelivery.it.support.DeliveryStatusNotification;

/** Case 9: without a route, RFC 5321: the MX of the recipient domain, implicit MX, null MX (RFC 7505). */
class UnroutedDomainTest {
    private static final String[] ALL = {"mx", "backup-mx", "implicit"};

    @RegisterExtension
    static final DeliveryScenario scenario = DeliveryScenario.builder()
        .server("mx", "127.0.0.2")
        .server("backup-mx", "127.0.0.3")
        .server("implicit", "127.0.0.4")
        .dns(zone -> zone
            .mx("plain.test", 20, "backup.plain.test")
            .mx("plain.test", 10, "mx.plain.test")
            .a("mx.plain.test", "127.0.0.2")
            .a("backup.plain.test", "127.0.0.3")
            .a("implicit.test", "127.0.0.4")
            .nullMx("nomail.test"))
        .build();

    @Test
    void mailGoesToTheLowestPreferenceMxOfTheRecipientDomain() throws Exception {
        List<String> sent = scenario.send(10, "user@plain.test");

        scenario.awaitDelivered(10, Duration.ofSeconds(60), ALL);

        assertThat(scenario.receivedMessageIds("mx")).containsExactlyInAnyOrderElementsOf(sent);
    }

    @Test
    void theNextMxTakesTheMailWhenTheFirstIsDown() throws Exception {
        scenario.server("mx").stop();

        List<String> sent = scenario.send(5, "user@plain.test");

        scenario.awaitDelivered(5, Duration.ofSeconds(60), ALL);
        assertThat(scenario.receivedMessageIds("backup-mx")).containsExactlyInAnyOrderElementsOf(sent);
    }

    @Test
    void aDomainWithoutMxIsDeliveredToItsOwnAddress() throws Exception {
        String sent = scenario.send("user@implicit.test");

        scenario.awaitDelivered(1, Duration.ofSeconds(60), ALL);

        assertThat(scenario.receivedMessageIds("implicit")).containsExactly(sent);
    }

    @Test
    void aNullMxBouncesAtOnceWithStatus5110() throws Exception {
        scenario.send("user@nomail.test");

        scenario.awaitBounces(1, Duration.ofSeconds(60));

        DeliveryStatusNotification dsn = DeliveryStatusNotification.parse(scenario.bounces().get(0));
        assertThat(dsn.recipients()).containsExactly("user@nomail.test");
        assertThat(dsn.field("user@nomail.test", "Status")).contains("5.1.10");
        assertThat(dsn.field("user@nomail.test", "Action")).contains("failed");
        assertThat(scenario.counts().values()).containsOnly(0);
    }

    @Test
    void aDomainThatDoesNotExistBouncesWithStatus544() throws Exception {
        scenario.send("user@nowhere.test");

        scenario.awaitBounces(1, Duration.ofSeconds(60));

        assertThat(DeliveryStatusNotification.parse(scenario.bounces().get(0)).field("user@nowhere.test", "Status"))
            .contains("5.4.4");
    }
}
