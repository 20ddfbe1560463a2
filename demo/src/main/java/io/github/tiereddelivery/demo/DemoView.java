package io.github.tiereddelivery.demo;

import java.util.List;

/**
 * What the demo shows at one moment.
 *
 * @param phase      1-based
 * @param sent       messages James accepted so far, all phases
 * @param delivered  messages sent that arrived somewhere, all phases
 */
public record DemoView(int phase, int phases, String phaseTitle, int sent, int delivered,
                       List<Row> rows) {
    public DemoView {
        rows = List.copyOf(rows);
    }

    /** One receiving server. */
    public record Row(String server, String tier, int received, boolean up) {
    }
}
