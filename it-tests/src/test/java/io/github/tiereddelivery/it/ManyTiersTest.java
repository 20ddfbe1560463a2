package io.github.tiereddelivery.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.github.tiereddelivery.it.support.DeliveryScenario;

/** Case 5: eight servers in three tiers of 3, 2 and 3 (preferences 10, 20, 30). */
class ManyTiersTest {
    private static final List<String> TIER_1 = List.of("t1-a", "t1-b", "t1-c");
    private static final List<String> TIER_2 = List.of("t2-a", "t2-b");
    private static final List<String> TIER_3 = List.of("t3-a", "t3-b", "t3-c");
    private static final String[] ALL = {"t1-a", "t1-b", "t1-c", "t2-a", "t2-b", "t3-a", "t3-b", "t3-c"};

    @RegisterExtension
    static final DeliveryScenario scenario = DeliveryScenario.builder()
        .server("t1-a", "127.0.0.2").server("t1-b", "127.0.0.3").server("t1-c", "127.0.0.4")
        .server("t2-a", "127.0.0.5").server("t2-b", "127.0.0.6")
        .server("t3-a", "127.0.0.7").server("t3-b", "127.0.0.8").server("t3-c", "127.0.0.9")
        .dns(zone -> zone
            .a("t1-a.acme.test", "127.0.0.2").a("t1-b.acme.test", "127.0.0.3").a("t1-c.acme.test", "127.0.0.4")
            .a("t2-a.acme.test", "127.0.0.5").a("t2-b.acme.test", "127.0.0.6")
            .a("t3-a.acme.test", "127.0.0.7").a("t3-b.acme.test", "127.0.0.8").a("t3-c.acme.test", "127.0.0.9"))
        .route("<route domain=\"acme.test\">"
            + "<host preference=\"30\">t3-a.acme.test</host>"
            + "<host preference=\"10\">t1-a.acme.test</host>"
            + "<host preference=\"20\">t2-a.acme.test</host>"
            + "<host preference=\"30\">t3-b.acme.test</host>"
            + "<host preference=\"10\">t1-b.acme.test</host>"
            + "<host preference=\"20\">t2-b.acme.test</host>"
            + "<host preference=\"30\">t3-c.acme.test</host>"
            + "<host preference=\"10\">t1-c.acme.test</host>"
            + "</route>")
        .build();

    private static void down(List<String> tier) {
        tier.forEach(name -> scenario.server(name).stop());
    }

    @Test
    void onlyTheFirstTierReceivesWhileItIsUp() throws Exception {
        scenario.send(45, "user@acme.test");

        scenario.awaitDelivered(45, Duration.ofSeconds(60), ALL);

        assertThat(scenario.serversThatReceived()).containsExactlyInAnyOrderElementsOf(TIER_1);
    }

    @Test
    void onlyTheFirstTierReceivesWhileAnyOfItIsUp() throws Exception {
        down(List.of("t1-a", "t1-b"));

        scenario.send(10, "user@acme.test");

        scenario.awaitDelivered(10, Duration.ofSeconds(60), ALL);
        assertThat(scenario.serversThatReceived()).containsExactly("t1-c");
    }

    @Test
    void theSecondTierReceivesWhenTheFirstIsDown() throws Exception {
        down(TIER_1);

        scenario.send(30, "user@acme.test");

        scenario.awaitDelivered(30, Duration.ofSeconds(60), ALL);
        assertThat(scenario.serversThatReceived()).containsExactlyInAnyOrderElementsOf(TIER_2);
    }

    @Test
    void theThirdTierReceivesWhenTheFirstTwoAreDown() throws Exception {
        down(TIER_1);
        down(TIER_2);

        scenario.send(45, "user@acme.test");

        scenario.awaitDelivered(45, Duration.ofSeconds(60), ALL);
        assertThat(scenario.serversThatReceived()).containsExactlyInAnyOrderElementsOf(TIER_3);
    }
}
