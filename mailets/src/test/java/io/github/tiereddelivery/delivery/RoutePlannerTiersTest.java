package io.github.tiereddelivery.delivery;

import static io.github.tiereddelivery.delivery.Servers.server;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

class RoutePlannerTiersTest {

    @Test
    void equalPreferencesFormOneTierAndLowerPreferencesComeFirst() {
        Server backup = server("backup.acme.test", "127.0.0.4", 20);
        Server second = server("mx2.acme.test", "127.0.0.3", 10);
        Server first = server("mx1.acme.test", "127.0.0.2", 10);

        assertThat(RoutePlanner.tiers(List.of(backup, second, first)))
            .containsExactly(new Tier(10, List.of(first, second)), new Tier(20, List.of(backup)));
    }

    @Test
    void anAddressNamedTwiceIsOneServerAtItsBestPreference() {
        Server asBackup = server("backup.acme.test", "127.0.0.2", 20);
        Server asPrimary = server("mx1.acme.test", "127.0.0.2", 10);

        assertThat(RoutePlanner.tiers(List.of(asBackup, asPrimary))).containsExactly(new Tier(10, List.of(asPrimary)));
    }

    @Test
    void eightServersInThreePreferencesMakeThreeTiers() {
        List<Server> servers = List.of(
            server("a.test", "127.0.0.2", 10), server("b.test", "127.0.0.3", 10), server("c.test", "127.0.0.4", 10),
            server("d.test", "127.0.0.5", 20), server("e.test", "127.0.0.6", 20),
            server("f.test", "127.0.0.7", 30), server("g.test", "127.0.0.8", 30), server("h.test", "127.0.0.9", 30));

        assertThat(RoutePlanner.tiers(servers))
            .extracting(tier -> tier.preference() + ":" + tier.servers().size())
            .containsExactly("10:3", "20:2", "30:3");
    }
}
