package io.github.tiereddelivery.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.github.tiereddelivery.it.support.DeliveryScenario;

/**
 * Case 3: two servers of equal preference share the load. Sample sizes keep the bounds at least four standard
 * deviations wide, so the statistical tests do not flake.
 */
class BalancingTest {
    @RegisterExtension
    static final DeliveryScenario scenario = DeliveryScenario.builder()
        .server("random-1", "127.0.0.2").server("random-2", "127.0.0.3")
        .server("rr-1", "127.0.0.4").server("rr-2", "127.0.0.5")
        .server("heavy", "127.0.0.6").server("light", "127.0.0.7")
        .route("<route domain=\"random.test\"><host>[127.0.0.2]</host><host>[127.0.0.3]</host></route>")
        .route("<route domain=\"rr.test\" balancing=\"round-robin\"><host>[127.0.0.4]</host><host>[127.0.0.5]</host></route>")
        .route("<route domain=\"weighted.test\" balancing=\"weighted\">"
            + "<host weight=\"3\">[127.0.0.6]</host><host weight=\"1\">[127.0.0.7]</host></route>")
        .build();

    /** p = 1/2 of 400: sd 10 messages; 40 on either side is 4 sd (about 1 flake in 16 000 runs). */
    @Test
    void randomBalancingGivesEachServerBetween40And60Percent() throws Exception {
        scenario.send(400, "user@random.test");

        scenario.awaitDelivered(400, Duration.ofSeconds(120), "random-1", "random-2");

        assertThat(scenario.server("random-1").messageCount()).isBetween(160, 240);
        assertThat(scenario.server("random-2").messageCount()).isBetween(160, 240);
    }

    @Test
    void roundRobinAlternatesSoBothServersGetExactlyHalf() throws Exception {
        scenario.send(200, "user@rr.test");

        scenario.awaitDelivered(200, Duration.ofSeconds(120), "rr-1", "rr-2");

        assertThat(scenario.server("rr-1").messageCount()).isEqualTo(100);
        assertThat(scenario.server("rr-2").messageCount()).isEqualTo(100);
    }

    /** p = 3/4 of 1000: sd 13.7 messages; 60 on either side is 4.4 sd (about 1 flake in 100 000 runs). */
    @Test
    void weightedBalancingThreeToOneGivesAbout75And25Percent() throws Exception {
        scenario.send(1000, "user@weighted.test");

        scenario.awaitDelivered(1000, Duration.ofSeconds(180), "heavy", "light");

        assertThat(scenario.server("heavy").messageCount()).isBetween(690, 810);
        assertThat(scenario.server("light").messageCount()).isBetween(190, 310);
    }
}
