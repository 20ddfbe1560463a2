package io.github.tiereddelivery.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class DemoReportTest {
    private static final Map<String, String> SERVERS = new LinkedHashMap<>();

    static {
        SERVERS.put("127.0.0.2:2500", "tier 1");
        SERVERS.put("127.0.0.3:2500", "tier 1");
        SERVERS.put("127.0.0.4:2500", "tier 2");
    }

    private final DemoReport report = new DemoReport(SERVERS, List.of(
        new DemoReport.PhaseResult("all up", Map.of("127.0.0.2:2500", 4, "127.0.0.3:2500", 6, "127.0.0.4:2500", 0)),
        new DemoReport.PhaseResult("tier 1 down", Map.of("127.0.0.2:2500", 0, "127.0.0.3:2500", 0, "127.0.0.4:2500", 10))),
        DeliveryAudit.of(List.of("<1@x>"), List.of("<1@x>")));

    @Test
    void receivedByATierAddsItsServersForThePhase() {
        assertThat(report.received(1, "tier 1")).isEqualTo(10);
        assertThat(report.received(1, "tier 2")).isZero();
        assertThat(report.received(2, "tier 2")).isEqualTo(10);
    }

    @Test
    void summaryHasARowPerServerAColumnPerPhaseThePhaseTitlesAndTheVerdict() {
        assertThat(report.render()).containsExactly(
            "  server             tier             phase 1  phase 2",
            "  127.0.0.2:2500     tier 1                 4        0",
            "  127.0.0.3:2500     tier 1                 6        0",
            "  127.0.0.4:2500     tier 2                 0       10",
            "  phase 1: all up",
            "  phase 2: tier 1 down",
            "Sent 1, received 1: every message arrived exactly once.");
    }
}
