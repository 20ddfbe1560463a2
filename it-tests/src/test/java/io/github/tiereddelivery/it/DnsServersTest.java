package io.github.tiereddelivery.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.github.tiereddelivery.it.support.DeliveryScenario;

/**
 * SPEC "dnsServers", a comma-separated list: used as the system's resolver uses those of resolv.conf. A server that
 * does not answer is left for the next one within the same look-up; the mail is not deferred for it (the scenario's
 * delayTime is an hour, so only a first attempt delivers within the test).
 */
class DnsServersTest {

    @RegisterExtension
    static final DeliveryScenario scenario = DeliveryScenario.builder()
        .server("mail", "127.0.0.2")
        .silentDnsServerFirst()
        .dns(zone -> zone
            .mx("delivery.globex.test", 10, "mx.globex.test")
            .a("mx.globex.test", "127.0.0.2"))
        .route("<route domain=\"globex.test\" mx=\"delivery.globex.test\"/>")
        .build();

    @Test
    void aFirstDnsServerThatNeverAnswersIsLeftForTheNextAndTheMailGoesAtItsFirstAttempt() throws Exception {
        String sent = scenario.send("user@globex.test");

        scenario.awaitDelivered(1, Duration.ofSeconds(60), "mail");
        assertThat(scenario.receivedMessageIds("mail")).containsExactly(sent);
        assertThat(scenario.bounces()).isEmpty();
    }
}
