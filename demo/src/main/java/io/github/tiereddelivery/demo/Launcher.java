package io.github.tiereddelivery.demo;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import io.github.tiereddelivery.demo.DemoServers.DemoServer;
import io.github.tiereddelivery.testing.ReceivedMessage;

/**
 * {@code ./run.sh}: starts the receiving servers and James with the extension, routed to them, prints where they
 * listen and how to send a test mail, lists the mail the servers receive, and runs until Ctrl-C, which stops
 * everything it started. {@code ./run.sh demo [messages per phase]}: the same start, then {@link DemoScenario} with a
 * live table; the exit status is 0 when every message arrived exactly once.
 *
 * <p>Paths are relative to the project root, where run.sh runs it: the assembled James {@code demo/target/james},
 * the configuration {@code conf/}, and James' working directory {@code demo/target/run}, emptied at start.
 */
public final class Launcher {
    private static final int DEFAULT_MESSAGES_PER_PHASE = 100;
    private static final int MAX_MESSAGES_PER_PHASE = 10_000;
    private static final long WATCH_INTERVAL_MILLIS = 250;
    private static final String USAGE = "usage: ./run.sh            James with Tiered Delivery and local receiving"
        + " servers, until Ctrl-C\n"
        + "       ./run.sh demo [N]   the same, then the fail-over demo with N messages per phase (default "
        + DEFAULT_MESSAGES_PER_PHASE + ")";
    private static final Path JAMES_HOME = Path.of("demo/target/james");
    private static final Path CONF = Path.of("conf");
    private static final Path RUN_DIRECTORY = Path.of("demo/target/run");
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");

    private final PrintStream out = System.out;
    private final boolean interactive = System.console() != null;
    private final AtomicReference<DemoEnvironment> environment = new AtomicReference<>();
    private final AtomicBoolean stopping = new AtomicBoolean();

    private Launcher() {
    }

    public static void main(String[] args) {
        int status = new Launcher().run(args);
        System.exit(status);
    }

    /** The run mode, or the demo with its messages per phase. */
    private record Arguments(boolean demo, int messagesPerPhase) {
        static Arguments parse(String[] args) {
            if (args.length == 0 || args.length == 1 && args[0].equals("run")) {
                return new Arguments(false, 0);
            }
            if (!args[0].equals("demo") || args.length > 2) {
                throw new IllegalArgumentException("run.sh: unknown arguments " + String.join(" ", args));
            }
            if (args.length == 1) {
                return new Arguments(true, DEFAULT_MESSAGES_PER_PHASE);
            }
            try {
                int messages = Integer.parseInt(args[1]);
                if (messages >= 1 && messages <= MAX_MESSAGES_PER_PHASE) {
                    return new Arguments(true, messages);
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new IllegalArgumentException("run.sh: messages per phase must be a whole number from 1 to "
                + MAX_MESSAGES_PER_PHASE + ", got " + args[1]);
        }
    }

    private int run(String[] args) {
        Arguments arguments;
        try {
            arguments = Arguments.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage() + "\n" + USAGE);
            return 2;
        }
        try (FileChannel lockFile = FileChannel.open(Path.of(RUN_DIRECTORY + ".lock"),
                StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock lock = lockFile.tryLock()) {
            if (lock == null) {
                System.err.println("run.sh: another ./run.sh uses " + RUN_DIRECTORY + "; stop it (Ctrl-C) first");
                return 1;
            }
            Runtime.getRuntime().addShutdownHook(new Thread(this::stopEverything, "run-sh-stopper"));
            start();
            return arguments.demo() ? demo(arguments.messagesPerPhase()) : watch();
        } catch (Exception e) {
            if (stopping.get()) {
                return 130;
            }
            System.err.println("run.sh: " + (e.getMessage() != null ? e.getMessage() : e.toString()));
            return 1;
        } finally {
            if (!stopping.get()) {
                stopEverything();
            }
        }
    }

    private void start() throws IOException {
        JamesInstallation installation = JamesInstallation.at(JAMES_HOME);
        deleteRecursively(RUN_DIRECTORY);
        out.println("Starting the receiving servers and James 3.8.1 with the extension (working directory "
            + RUN_DIRECTORY + ")");
        Progress progress = new Progress(out, interactive, "James is starting");
        try {
            environment.set(DemoEnvironment.start(installation, CONF, RUN_DIRECTORY, DemoEnvironment.Ports.PREFERRED));
        } finally {
            progress.stop();
        }
        out.println("James started in " + progress.seconds() + " s.");
        describe(environment.get());
    }

    private void describe(DemoEnvironment started) {
        JamesProcess james = started.james();
        String smtp = james.smtpAddress().getHostString() + ":" + james.smtpAddress().getPort();
        List<DemoServer> servers = started.servers().all();
        out.println();
        out.println("Tiered Delivery is running: James 3.8.1 memory server (pid " + james.pid() + ").");
        out.println("  SMTP      " + smtp + "  (clients on 127.0.0.0/8 may relay)");
        out.println("  WebAdmin  " + james.webAdminUri() + "  (e.g. curl '" + james.webAdminUri()
            + "/delivery-routes/resolve?recipient=user@" + DemoServers.DOMAIN + "')");
        out.println("  Routes    " + james.confDirectory().resolve("delivery-routes.xml") + ":");
        out.println("            " + DemoServers.DOMAIN + ": tier 1 " + names(servers, DemoServers.Tier.ONE)
            + " (balanced), then tier 2 " + names(servers, DemoServers.Tier.TWO));
        out.println("            any other domain: " + names(servers, DemoServers.Tier.CATCH_ALL)
            + " (a local catch-all: no mail leaves this machine)");
        out.println("  Log       " + james.logFile() + "  (one line per server tried)");
        out.println();
        out.println("Send a test mail:");
        out.println("  swaks --server " + smtp + " --from a@example.test --to user@" + DemoServers.DOMAIN);
        out.println();
    }

    private static String names(List<DemoServer> servers, DemoServers.Tier tier) {
        return servers.stream().filter(server -> server.tier() == tier).map(DemoServer::name)
            .collect(Collectors.joining(" and "));
    }

    /** The run mode: lists the mail that arrives, until Ctrl-C or until James ends. */
    private int watch() throws InterruptedException {
        out.println("Mail that arrives at the receiving servers is listed here. Ctrl-C stops everything.");
        DemoEnvironment started = environment.get();
        Map<DemoServer, Integer> listed = new HashMap<>();
        while (true) {
            for (DemoServer server : started.servers().all()) {
                List<ReceivedMessage> messages = server.server().messages();
                int from = listed.getOrDefault(server, 0);
                messages.subList(from, messages.size()).forEach(message -> out.println(arrival(server, message)));
                listed.put(server, messages.size());
            }
            if (!started.james().isRunning()) {
                if (stopping.get()) {
                    return 130;
                }
                System.err.println("run.sh: James ended unexpectedly; " + started.james().logTail());
                return 1;
            }
            Thread.sleep(WATCH_INTERVAL_MILLIS);
        }
    }

    private static String arrival(DemoServer server, ReceivedMessage message) {
        return LocalTime.now().format(TIME) + "  " + server.name() + " (" + server.tier().label() + ") received "
            + message.messageId().orElse("a message without Message-ID") + " from <" + message.sender() + "> for "
            + String.join(", ", message.recipients());
    }

    private int demo(int messagesPerPhase) throws IOException, InterruptedException {
        out.println("The demo sends messages to " + DemoMailer.RECIPIENT + " through James in "
            + DemoScenario.phaseCount() + " phases, " + messagesPerPhase + " per phase (phase 3: one a second until"
            + " James probes tier 1 again). Ctrl-C stops everything.");
        out.println();
        DemoScenario scenario = new DemoScenario(environment.get(), messagesPerPhase,
            interactive ? DemoScenario.Pacing.WATCHABLE : DemoScenario.Pacing.NONE,
            new TerminalDisplay(out, interactive));
        DemoReport report = scenario.run();
        out.println();
        out.println("Summary");
        report.render().forEach(out::println);
        return report.audit().exactlyOnce() ? 0 : 1;
    }

    /** Stops James and the servers, once (from the shutdown hook on Ctrl-C, or when main ends). */
    private void stopEverything() {
        if (stopping.getAndSet(true)) {
            return;
        }
        DemoEnvironment started = environment.get();
        if (started != null) {
            out.println();
            out.println("Stopping James and the receiving servers…");
            started.close();
            out.println("Stopped.");
        }
    }

    private static void deleteRecursively(Path directory) throws IOException {
        if (!Files.exists(directory)) {
            return;
        }
        try (Stream<Path> files = Files.walk(directory)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).collect(Collectors.toList())) {
                Files.delete(file);
            }
        }
    }

    /** "James is starting … 12 s" on a terminal, redrawn every second until {@link #stop()} clears it. */
    private static final class Progress {
        private final PrintStream out;
        private final String what;
        private final long start = System.nanoTime();
        private final Thread ticker;

        Progress(PrintStream out, boolean interactive, String what) {
            this.out = out;
            this.what = what;
            if (interactive) {
                ticker = new Thread(this::tick, "progress");
                ticker.setDaemon(true);
                ticker.start();
            } else {
                ticker = null;
                out.println(what + " …");
            }
        }

        private void tick() {
            try {
                while (true) {
                    out.print("\r" + what + " … " + seconds() + " s ");
                    out.flush();
                    Thread.sleep(1000);
                }
            } catch (InterruptedException e) {
                // stopped
            }
        }

        void stop() {
            if (ticker != null) {
                ticker.interrupt();
                try {
                    ticker.join(1000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                out.print("\r\u001b[2K");
            }
        }

        long seconds() {
            return (System.nanoTime() - start) / 1_000_000_000L;
        }
    }
}
