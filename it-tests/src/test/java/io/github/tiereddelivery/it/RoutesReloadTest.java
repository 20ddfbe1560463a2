package io.github.tiereddelivery.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.github.tiereddelivery.it.support.DeliveryScenario;

/** SPEC "Routes file": the file is re-read when it changes; a version that does not parse is refused. */
class RoutesReloadTest {
    /** SPEC and issue 4: a change on disk is in force within 2 seconds. */
    private static final Duration IN_FORCE_WITHIN = Duration.ofSeconds(2);
    private static final String[] ALL = {"old", "new"};

    @RegisterExtension
    static final DeliveryScenario scenario = DeliveryScenario.builder()
        .server("old", "127.0.0.2")
        .server("new", "127.0.0.3")
        .route("<route domain=\"acme.test\"><host>[127.0.0.2]</host></route>")
        .build();

    @Test
    void anEditedRoutesFileIsInForceWithinTwoSecondsAndABrokenEditChangesNothing() throws Exception {
        scenario.send("user@acme.test");
        scenario.awaitDelivered(1, Duration.ofSeconds(60), ALL);
        assertThat(scenario.server("old").messageCount()).isEqualTo(1);

        scenario.rewriteRoutes("<route domain=\"acme.test\"><host>[127.0.0.3]</host></route>");
        Thread.sleep(IN_FORCE_WITHIN.toMillis());
        scenario.send("user@acme.test");
        scenario.awaitDelivered(2, Duration.ofSeconds(60), ALL);
        assertThat(scenario.server("new").messageCount()).isEqualTo(1);

        scenario.writeRoutesFile("<delivery-routes><route domain=\"acme.test\"><host>[127.0.0.2]</host><oops/></route>");
        Thread.sleep(IN_FORCE_WITHIN.toMillis());
        scenario.send("user@acme.test");
        scenario.awaitDelivered(3, Duration.ofSeconds(60), ALL);
        assertThat(scenario.server("new").messageCount()).isEqualTo(2);
        assertThat(scenario.server("old").messageCount()).isEqualTo(1);
    }
}
