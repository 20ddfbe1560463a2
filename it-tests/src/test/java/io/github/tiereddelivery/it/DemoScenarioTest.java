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
 * the four phases with a few messages each, the report. Run once for the class (about a minute: phase 3 lasts until
 * James' 30 s down interval of tier 1 ends); each test reads the report.
 */
class DemoScenarioTest {
    /** Phase 4 balances them at random over two servers: one gets none with probability 2 / 2^20. */
    private static final int MESSAGES_PER_PHASE = 20;
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
        int sent = report.audit().sent();
        assertThat(report.audit().exactlyOnce()).as(report.audit().verdict()).isTrue();
        assertThat(report.render()).last()
            .isEqualTo("Sent " + sent + ", received " + sent + ": every message arrived exactly once.");
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
    void aRestartedTierOneIsHeldDownUntilItsIntervalEndsThenOneMessageProbesIt() {
        assertThat(report.received(3, "tier 2")).as("messages while James still held tier 1 down").isPositive();
        assertThat(report.received(3, "tier 1")).as("the probe").isEqualTo(1);
    }

    @Test
    void onceProbedTierOneReceivesAllTheMailAgain() {
        assertThat(report.received(4, "tier 1")).isEqualTo(MESSAGES_PER_PHASE);
    }

    @Test
    void onceProbedBothTierOneServersShareTheMailAgain() {
        assertThat(report.phases().get(3).received().values()).filteredOn(count -> count > 0).hasSize(2);
    }

    @Test
    void theCatchAllForOtherDomainsReceivesNothing() {
        assertThat(report.received(1, "other domains") + report.received(2, "other domains")
            + report.received(3, "other domains") + report.received(4, "other domains")).isZero();
    }
}
