package io.github.tiereddelivery.demo;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How the demo went: per phase, how many messages each server received; and whether every message arrived exactly
 * once.
 *
 * @param servers server name to its tier label, in table order
 */
public record DemoReport(Map<String, String> servers, List<PhaseResult> phases, DeliveryAudit audit) {
    public DemoReport {
        servers = Collections.unmodifiableMap(new LinkedHashMap<>(servers));
        phases = List.copyOf(phases);
    }

    /** @param received server name to the messages it received during the phase */
    public record PhaseResult(String title, Map<String, Integer> received) {
        public PhaseResult {
            received = Map.copyOf(received);
        }
    }

    /** Messages the servers of a tier (its label, e.g. "tier 1") received during a phase (1-based). */
    public int received(int phase, String tier) {
        return phases.get(phase - 1).received().entrySet().stream()
            .filter(entry -> tier.equals(servers.get(entry.getKey())))
            .mapToInt(Map.Entry::getValue)
            .sum();
    }

    /** The summary table (a row per server, a column per phase), the phases' titles and the verdict. */
    public List<String> render() {
        List<String> lines = new ArrayList<>();
        StringBuilder header = new StringBuilder(String.format("  %-18s %-15s", "server", "tier"));
        for (int phase = 1; phase <= phases.size(); phase++) {
            header.append(String.format(" %8s", "phase " + phase));
        }
        lines.add(header.toString());
        servers.forEach((server, tier) -> {
            StringBuilder row = new StringBuilder(String.format("  %-18s %-15s", server, tier));
            phases.forEach(phase -> row.append(String.format(" %8d", phase.received().getOrDefault(server, 0))));
            lines.add(row.toString());
        });
        for (int phase = 0; phase < phases.size(); phase++) {
            lines.add("  phase " + (phase + 1) + ": " + phases.get(phase).title());
        }
        lines.add(audit.verdict());
        return lines;
    }
}
