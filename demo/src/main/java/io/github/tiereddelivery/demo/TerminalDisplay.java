package io.github.tiereddelivery.demo;

import java.io.PrintStream;
import java.util.List;

/**
 * Shows the demo on standard output. On a terminal the table is redrawn in place (ANSI cursor movement) on every
 * update; otherwise (output to a file or a pipe) it is printed once at the end of each phase.
 */
final class TerminalDisplay implements DemoScenario.Display {
    /** ANSI: the cursor to the start of the line n lines up (CPL); clear the whole line (EL 2). */
    private static final String LINES_UP = "\u001b[%dF";
    private static final String CLEAR_LINE = "\u001b[2K";

    private final PrintStream out;
    private final boolean interactive;
    private int linesShown;

    TerminalDisplay(PrintStream out, boolean interactive) {
        this.out = out;
        this.interactive = interactive;
    }

    @Override
    public synchronized void update(DemoView view) {
        if (interactive) {
            redraw(LiveTable.render(view, true));
        }
    }

    @Override
    public synchronized void phaseEnded(DemoView view) {
        if (interactive) {
            redraw(LiveTable.render(view, true));
        } else {
            LiveTable.render(view, false).forEach(out::println);
            out.println();
        }
    }

    private void redraw(List<String> lines) {
        StringBuilder frame = new StringBuilder();
        if (linesShown > 0) {
            frame.append(String.format(LINES_UP, linesShown));
        }
        lines.forEach(line -> frame.append(CLEAR_LINE).append(line).append('\n'));
        out.print(frame);
        out.flush();
        linesShown = lines.size();
    }
}
