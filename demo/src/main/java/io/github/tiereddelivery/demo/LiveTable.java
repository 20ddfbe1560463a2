package io.github.tiereddelivery.demo;

import java.util.ArrayList;
import java.util.List;

/** Renders a {@link DemoView} as the lines of a table; with colours (ANSI SGR) for a terminal. */
final class LiveTable {
    private static final String GREEN = "\u001b[32m";
    private static final String RED = "\u001b[31m";
    private static final String BOLD = "\u001b[1m";
    private static final String RESET = "\u001b[0m";
    private static final String ROW = "  %-18s %-15s %8s  %s";

    private LiveTable() {
    }

    static List<String> render(DemoView view, boolean colours) {
        List<String> lines = new ArrayList<>();
        lines.add(style(BOLD, colours, "Phase " + view.phase() + "/" + view.phases() + ": " + view.phaseTitle()));
        lines.add("  sent " + view.sent() + ", delivered " + view.delivered());
        lines.add("");
        lines.add(String.format(ROW, "server", "tier", "received", "state"));
        for (DemoView.Row row : view.rows()) {
            String state = row.up() ? style(GREEN, colours, "up") : style(RED, colours, "down (refuses connections)");
            lines.add(String.format(ROW, row.server(), row.tier(), row.received(), state));
        }
        return lines;
    }

    private static String style(String sgr, boolean colours, String text) {
        return colours ? sgr + text + RESET : text;
    }
}
