package io.github.tiereddelivery.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.github.tiereddelivery.it.support.DeliveryScenario;

/**
 * A route whose DNS does not answer for some of its MX hosts (their zone's servers are down) holds one delivery thread
 * while its plan is made, not all of them: the other messages of that route wait in the queue a moment (uncounted),
 * and the mail of other routes goes on at once. The plan found a server despite the failures: it is kept for 30 s
 * (RFC 2308 section 7), so the next messages do not ask the silent zone again. Before, each message asked it again,
 * one after the other, and every delivery thread sat in DNS time-outs (49 s for another route's mail, seen from
 * outside).
 */
class SlowDnsRouteTest {
    private static final int BACKLOG = 10;

    @RegisterExtension
    static final DeliveryScenario scenario = DeliveryScenario.builder()
        .server("backup", "127.0.0.3")
        .server("other", "127.0.0.4")
        .dns(zone -> zone
            .mx("delivery.slow.test", 10, "mx1.dead.test")
            .mx("delivery.slow.test", 10, "mx2.dead.test")
            .mx("delivery.slow.test", 20, "backup.slow.test")
            .a("backup.slow.test", "127.0.0.3")
            .silent("dead.test"))
        .route("<route domain=\"slow.test\" mx=\"delivery.slow.test\"/>")
        .route("<route domain=\"other.test\"><host>[127.0.0.4]</host></route>")
        .build();

    @Test
    void mailOfOtherRoutesGoesOnWhileARoutesDnsTimesOutAndTheBacklogIsDeliveredByTheServerFound() throws Exception {
        List<String> backlog = scenario.send(BACKLOG, "user@slow.test");

        Instant sent = Instant.now();
        String other = scenario.send("user@other.test");

        scenario.awaitDelivered(1, Duration.ofSeconds(60), "other");
        assertThat(scenario.server("other").messages()).singleElement().satisfies(message ->
            assertThat(Duration.between(sent, message.arrival())).isLessThan(Duration.ofSeconds(5)));
        assertThat(scenario.receivedMessageIds("other")).containsExactly(other);
        scenario.awaitDelivered(BACKLOG, Duration.ofSeconds(90), "backup");
        assertThat(scenario.receivedMessageIds("backup")).containsExactlyInAnyOrderElementsOf(backlog);
        assertThat(scenario.bounces()).isEmpty();
    }
}
