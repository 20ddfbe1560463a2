package io.github.tiereddelivery.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.github.tiereddelivery.it.support.DeliveryScenario;

/**
 * SPEC: replacing RemoteDelivery "changes nothing for mail without a route". Without a {@code dnsServers} parameter
 * the mailet asks the DNS servers James' own resolver asks (conf/dnsservice.xml), as stock RemoteDelivery does: a
 * site that names its own resolvers there keeps them.
 */
class JamesDnsServiceTest {

    @RegisterExtension
    static final DeliveryScenario scenario = DeliveryScenario.builder()
        .server("mail", "127.0.0.2")
        .dnsInJamesDnsService()
        .dns(zone -> zone
            .mx("plain.test", 10, "mx.plain.test")
            .a("mx.plain.test", "127.0.0.2"))
        .build();

    @Test
    void withoutDnsServersTheMxOfAnUnroutedDomainComesFromTheServersOfJamesDnsService() throws Exception {
        String sent = scenario.send("user@plain.test");

        scenario.awaitDelivered(1, Duration.ofSeconds(60), "mail");
        assertThat(scenario.receivedMessageIds("mail")).containsExactly(sent);
        assertThat(scenario.bounces()).isEmpty();
    }
}
