package io.github.tiereddelivery.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.github.tiereddelivery.it.support.DeliveryScenario;
import io.github.tiereddelivery.it.support.DnsZone;

/**
 * Case 6: {@code mx="delivery.customer.test"} — the MX records of the transport host name, not those of the recipient
 * domain, decide the servers and their tiers; a DNS change is followed once its TTL has passed.
 */
class TransportHostnameMxTest {
    private static final Duration TTL = Duration.ofSeconds(1);
    private static final String[] ALL = {"mx1", "mx2", "mx3", "decoy"};

    @RegisterExtension
    static final DeliveryScenario scenario = DeliveryScenario.builder()
        .server("mx1", "127.0.0.2").server("mx2", "127.0.0.3").server("mx3", "127.0.0.4").server("decoy", "127.0.0.5")
        .dns(zone -> records(zone, false, false))
        .route("<route domain=\"customer.test\" mx=\"delivery.customer.test\"/>")
        .route("<route domain=\"moving.test\" mx=\"delivery.moving.test\"/>")
        .route("<route domain=\"renumbered.test\"><host>mail.renumbered.test</host></route>")
        .build();

    /**
     * @param moved whether delivery.moving.test's MX points at mx3 (true) or mx1 (false)
     * @param renumbered whether mail.renumbered.test's address is mx3's (true) or mx1's (false)
     */
    private static void records(DnsZone.Builder zone, boolean moved, boolean renumbered) {
        // Authoritative, so that negative answers (no AAAA record) carry the SOA and are kept for the TTL too: plans
        // are kept as long as with real DNS servers, and the tests below show they are made again after the TTL.
        zone.ttl(TTL).authoritative()
            .mx("delivery.customer.test", 10, "mx1.delivery.customer.test")
            .mx("delivery.customer.test", 10, "mx2.delivery.customer.test")
            .mx("delivery.customer.test", 20, "mx3.delivery.customer.test")
            .a("mx1.delivery.customer.test", "127.0.0.2")
            .a("mx2.delivery.customer.test", "127.0.0.3")
            .a("mx3.delivery.customer.test", "127.0.0.4")
            // The recipient domains' own MX must not be used.
            .mx("customer.test", 10, "decoy.customer.test")
            .mx("moving.test", 10, "decoy.customer.test")
            .a("decoy.customer.test", "127.0.0.5")
            .mx("delivery.moving.test", 10, moved ? "mx3.delivery.customer.test" : "mx1.delivery.customer.test")
            .a("mail.renumbered.test", renumbered ? "127.0.0.4" : "127.0.0.2");
    }

    @Test
    void theEqualPreferenceExchangesShareTheMailAndTheHigherPreferenceGetsNothing() throws Exception {
        scenario.send(40, "user@customer.test");

        scenario.awaitDelivered(40, Duration.ofSeconds(60), ALL);

        assertThat(scenario.server("mx1").messageCount()).isPositive();
        assertThat(scenario.server("mx2").messageCount()).isPositive();
        assertThat(scenario.server("mx3").messageCount()).isZero();
        assertThat(scenario.server("decoy").messageCount()).isZero();
    }

    @Test
    void theHigherPreferenceExchangeGetsEverythingWhenTheOthersAreDown() throws Exception {
        scenario.server("mx1").stop();
        scenario.server("mx2").stop();

        List<String> sent = scenario.send(20, "user@customer.test");

        scenario.awaitDelivered(20, Duration.ofSeconds(60), ALL);
        assertThat(scenario.receivedMessageIds("mx3")).containsExactlyInAnyOrderElementsOf(sent);
    }

    @Test
    void aChangedMxRecordIsFollowedAfterItsTtlWithoutRestartingJames() throws Exception {
        scenario.send(5, "user@moving.test");
        scenario.awaitDelivered(5, Duration.ofSeconds(60), ALL);
        assertThat(scenario.server("mx1").messageCount()).isEqualTo(5);

        DnsZone.Builder moved = DnsZone.builder();
        records(moved, true, false);
        scenario.dns().reload(moved.build());
        Thread.sleep(TTL.multipliedBy(2).toMillis());
        scenario.send(5, "user@moving.test");

        scenario.awaitDelivered(10, Duration.ofSeconds(60), ALL);
        assertThat(scenario.server("mx1").messageCount()).isEqualTo(5);
        assertThat(scenario.server("mx3").messageCount()).isEqualTo(5);
        assertThat(scenario.server("decoy").messageCount()).isZero();
    }

    /** The plan of a host-name route is kept until the TTL of the host's address, not longer. */
    @Test
    void aChangedAddressOfARoutedHostIsFollowedAfterItsTtlWithoutRestartingJames() throws Exception {
        scenario.send(5, "user@renumbered.test");
        scenario.awaitDelivered(5, Duration.ofSeconds(60), ALL);
        assertThat(scenario.server("mx1").messageCount()).isEqualTo(5);

        DnsZone.Builder renumbered = DnsZone.builder();
        records(renumbered, false, true);
        scenario.dns().reload(renumbered.build());
        Thread.sleep(TTL.multipliedBy(2).toMillis());
        scenario.send(5, "user@renumbered.test");

        scenario.awaitDelivered(10, Duration.ofSeconds(60), ALL);
        assertThat(scenario.server("mx1").messageCount()).isEqualTo(5);
        assertThat(scenario.server("mx3").messageCount()).isEqualTo(5);
    }
}
