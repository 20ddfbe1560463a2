package io.github.tiereddelivery.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.github.tiereddelivery.it.support.DeliveryScenario;

/**
 * SPEC "dnsServers", used as the system's resolver uses those of resolv.conf: a server that answers REFUSED (or
 * SERVFAIL, NOTIMP) is left for the next one within the same look-up, as glibc does; the mail goes at its first attempt.
 */
class RefusingDnsServerTest {

    @RegisterExtension
    static final DeliveryScenario scenario = DeliveryScenario.builder()
        .server("mail", "127.0.0.2")
        .refusingDnsServerFirst()
        .dns(zone -> zone
            .mx("delivery.globex.test", 10, "mx.globex.test")
            .a("mx.globex.test", "127.0.0.2"))
        .route("<route domain=\"globex.test\" mx=\"delivery.globex.test\"/>")
        .build();

    @Test
    void aFirstDnsServerThatRefusesIsLeftForTheNextAndTheMailGoesAtItsFirstAttempt() throws Exception {
        String sent = scenario.send("user@globex.test");

        scenario.awaitDelivered(1, Duration.ofSeconds(60), "mail");
        assertThat(scenario.receivedMessageIds("mail")).containsExactly(sent);
        assertThat(scenario.bounces()).isEmpty();
    }
}
