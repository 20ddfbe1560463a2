package io.github.tiereddelivery.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.tiereddelivery.demo.DemoEnvironment;
import io.github.tiereddelivery.demo.DemoReport;
import io.github.tiereddelivery.demo.DemoScenario;
import io.github.tiereddelivery.demo.DemoView;
import io.github.tiereddelivery.demo.JamesInstallation;

/**
 * The core of {@code ./run.sh demo}: its servers and James (a separate process, from conf/ and demo/target/james),
 * the three phases with a few messages each, the report. Run once for the class; each test reads the report.
 */
class DemoScenarioTest {
    private static final int MESSAGES_PER_PHASE = 10;
    private static final DemoScenario.Display NO_DISPLAY = new DemoScenario.Display() {
        @Override
        public void update(DemoView view) {
        }

        @Override
        public void phaseEnded(DemoView view) {
        }
    };

    @TempDir
    static Path workingDirectory;
    private static DemoReport report;

    @BeforeAll
    static void runTheDemo() throws Exception {
        try (DemoEnvironment environment = DemoEnvironment.start(
                JamesInstallation.at(Path.of(System.getProperty("tiered.james.home"))),
                Path.of(System.getProperty("tiered.conf.dir")), workingDirectory.resolve("james"),
                DemoEnvironment.Ports.ANY_FREE)) {
            report = new DemoScenario(environment, MESSAGES_PER_PHASE, DemoScenario.Pacing.NONE, NO_DISPLAY).run();
        }
    }

    @Test
    void everyMessageArrivesExactlyOnce() {
        assertThat(report.audit().exactlyOnce()).as(report.audit().verdict()).isTrue();
        assertThat(report.audit().sent()).isEqualTo(3 * MESSAGES_PER_PHASE);
        assertThat(report.render()).last().isEqualTo("Sent 30, received 30: every message arrived exactly once.");
    }

    @Test
    void withEveryServerUpTierOneReceivesAllTheMail() {
        assertThat(report.received(1, "tier 1")).isEqualTo(MESSAGES_PER_PHASE);
    }

    @Test
    void withTierOneStoppedTierTwoReceivesAllTheMail() {
        assertThat(report.received(2, "tier 2")).isEqualTo(MESSAGES_PER_PHASE);
    }

    @Test
    void withTierOneBackTierOneReceivesAllTheMailAgain() {
        assertThat(report.received(3, "tier 1")).isEqualTo(MESSAGES_PER_PHASE);
    }

    @Test
    void theCatchAllForOtherDomainsReceivesNothing() {
        assertThat(report.received(1, "other domains") + report.received(2, "other domains")
            + report.received(3, "other domains")).isZero();
    }
}
