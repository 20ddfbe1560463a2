package io.github.tiereddelivery.demo;

import static java.util.Objects.requireNonNull;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A James 3.8.1 memory server with the extension, running as a separate JVM started as the official image starts
 * it: {@code java -cp '<home>/libs/*' org.apache.james.MemoryJamesServerMain} with {@code -Dworking.directory}, and
 * the working directory as current directory (James reads {@code conf/jvm.properties} and logback writes
 * {@code logs/james.log} relative to it). The working directory gets a copy of a configuration folder with the
 * builder's changes in {@code conf/} and a copy of the installation's {@code extensions-jars/}.
 *
 * <p>{@link Builder#start()} returns once James accepts SMTP connections and WebAdmin answers {@code /healthcheck};
 * {@link #stop()} (also run by a JVM shutdown hook) sends SIGTERM, waits, then kills.
 */
public final class JamesProcess implements AutoCloseable {
    private static final String LOOPBACK = "127.0.0.1";
    private static final String MAX_HEAP = "-Xmx512m";
    private static final Duration START_TIMEOUT = Duration.ofMinutes(3);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration KILL_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration PROBE_INTERVAL = Duration.ofMillis(250);
    private static final int LOG_TAIL_LINES = 40;

    private final Process process;
    private final Path workingDirectory;
    private final InetSocketAddress smtpAddress;
    private final InetSocketAddress webAdminAddress;
    private final Thread shutdownHook;
    private boolean stopped;

    private JamesProcess(Process process, Path workingDirectory, InetSocketAddress smtpAddress,
                         InetSocketAddress webAdminAddress) {
        this.process = process;
        this.workingDirectory = workingDirectory;
        this.smtpAddress = smtpAddress;
        this.webAdminAddress = webAdminAddress;
        this.shutdownHook = new Thread(this::stop, "james-process-stopper");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /**
     * @param installation     the assembled server (libs and extension jars)
     * @param confSource       the configuration folder to copy, e.g. the project's {@code conf/}
     * @param workingDirectory James' working directory; created, it must not exist yet or be empty
     */
    public static Builder builder(JamesInstallation installation, Path confSource, Path workingDirectory) {
        return new Builder(installation, confSource, workingDirectory);
    }

    public InetSocketAddress smtpAddress() {
        return smtpAddress;
    }

    public URI webAdminUri() {
        return URI.create("http://" + webAdminAddress.getHostString() + ":" + webAdminAddress.getPort());
    }

    public Path workingDirectory() {
        return workingDirectory;
    }

    /** The configuration James reads: the copy with the builder's changes. */
    public Path confDirectory() {
        return workingDirectory.resolve("conf");
    }

    /** James' log, written by the logback configuration of conf/. */
    public Path logFile() {
        return workingDirectory.resolve("logs/james.log");
    }

    /** Everything the process wrote to its standard output and error (also what happens before logging starts). */
    public Path consoleLog() {
        return consoleLog(workingDirectory);
    }

    public long pid() {
        return process.pid();
    }

    public boolean isRunning() {
        return process.isAlive();
    }

    /** The last lines of {@link #consoleLog()}, for error messages. */
    public String logTail() {
        return tail(consoleLog());
    }

    /**
     * Stops James: SIGTERM (James' own shutdown hook stops its services), then, after 60 s, SIGKILL.
     * Returns when the process has ended; does nothing the second time.
     */
    public synchronized void stop() {
        if (stopped) {
            return;
        }
        stopped = true;
        terminate(process);
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // The JVM is shutting down: this is the hook.
        }
    }

    @Override
    public void close() {
        stop();
    }

    private static void terminate(Process process) {
        process.destroy();
        if (!waitFor(process, STOP_TIMEOUT)) {
            process.destroyForcibly();
            if (!waitFor(process, KILL_TIMEOUT)) {
                throw new IllegalStateException("James (pid " + process.pid() + ") did not end after SIGKILL");
            }
        }
    }

    private static boolean waitFor(Process process, Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !process.isAlive();
        }
    }

    private static Path consoleLog(Path workingDirectory) {
        return workingDirectory.resolve("logs/console.log");
    }

    private static String tail(Path log) {
        if (!Files.exists(log)) {
            return "(no " + log + ")";
        }
        try (Stream<String> lines = Files.lines(log, StandardCharsets.UTF_8)) {
            List<String> all = lines.collect(Collectors.toList());
            return "last lines of " + log + ":\n" + String.join("\n",
                all.subList(Math.max(0, all.size() - LOG_TAIL_LINES), all.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(cannot read " + log + ": " + e.getMessage() + ")";
        }
    }

    public static final class Builder {
        private final JamesInstallation installation;
        private final Path confSource;
        private final Path workingDirectory;
        private final List<Consumer<JamesConfFolder>> edits = new ArrayList<>();
        private InetSocketAddress smtpAddress;
        private InetSocketAddress webAdminAddress;

        private Builder(JamesInstallation installation, Path confSource, Path workingDirectory) {
            this.installation = requireNonNull(installation, "installation");
            this.confSource = requireNonNull(confSource, "confSource");
            this.workingDirectory = workingDirectory.toAbsolutePath().normalize();
        }

        /** Where the SMTP listener binds (every enabled listener of smtpserver.xml); default 127.0.0.1, a free port. */
        public Builder smtp(String host, int port) {
            this.smtpAddress = new InetSocketAddress(host, port);
            return this;
        }

        /** Where WebAdmin listens; default 127.0.0.1, a free port. */
        public Builder webAdmin(String host, int port) {
            this.webAdminAddress = new InetSocketAddress(host, port);
            return this;
        }

        /** The content of {@code conf/delivery-routes.xml}. */
        public Builder routesXml(String xml) {
            edits.add(conf -> conf.write("delivery-routes.xml", xml));
            return this;
        }

        /** Sets (or adds) a parameter of the TieredRemoteDelivery mailet in mailetcontainer.xml. */
        public Builder mailetParameter(String name, String value) {
            edits.add(conf -> conf.setDeliveryMailetParameter(name, value));
            return this;
        }

        /**
         * Prepares the working directory, starts James and waits (at most 3 minutes) until it is ready.
         * When James exits or does not get ready in time, it is stopped and the exception carries the end of its
         * console output.
         */
        public JamesProcess start() throws IOException {
            InetSocketAddress smtp = smtpAddress != null ? smtpAddress : FreePort.on(LOOPBACK);
            InetSocketAddress webAdmin = webAdminAddress != null ? webAdminAddress : FreePort.on(LOOPBACK);
            prepareWorkingDirectory(smtp, webAdmin);
            Process process = new ProcessBuilder(command())
                .directory(workingDirectory.toFile())
                .redirectErrorStream(true)
                .redirectOutput(consoleLog(workingDirectory).toFile())
                .start();
            JamesProcess james = new JamesProcess(process, workingDirectory, smtp, webAdmin);
            try {
                awaitReady(james);
            } catch (RuntimeException | Error e) {
                james.stop();
                throw e;
            }
            return james;
        }

        private void prepareWorkingDirectory(InetSocketAddress smtp, InetSocketAddress webAdmin) throws IOException {
            if (Files.isDirectory(workingDirectory)) {
                try (Stream<Path> entries = Files.list(workingDirectory)) {
                    if (entries.findAny().isPresent()) {
                        throw new IllegalArgumentException("James' working directory " + workingDirectory
                            + " is not empty; give a new or empty one");
                    }
                }
            }
            Files.createDirectories(workingDirectory.resolve("logs"));
            JamesConfFolder conf = JamesConfFolder.copyOf(confSource, workingDirectory.resolve("conf"));
            conf.bindSmtpListeners(smtp.getHostString() + ":" + smtp.getPort());
            conf.setProperty("webadmin.properties", "host", webAdmin.getHostString());
            conf.setProperty("webadmin.properties", "port", String.valueOf(webAdmin.getPort()));
            edits.forEach(edit -> edit.accept(conf));
            Path extensions = Files.createDirectories(workingDirectory.resolve("extensions-jars"));
            for (Path jar : installation.extensionJars()) {
                Files.copy(jar, extensions.resolve(jar.getFileName().toString()));
            }
        }

        /** The official image's command line (jib's jvmFlags of james-server-memory-app), with this working directory. */
        private List<String> command() {
            return List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                MAX_HEAP,
                "-Dworking.directory=" + workingDirectory,
                "-Dextra.props=" + workingDirectory.resolve("conf/jvm.properties"),
                "-Dlogback.configurationFile=" + workingDirectory.resolve("conf/logback.xml"),
                "-Djdk.tls.ephemeralDHKeySize=2048",
                "-cp", installation.classPath(),
                JamesInstallation.MAIN_CLASS);
        }

        private static void awaitReady(JamesProcess james) {
            HttpClient http = HttpClient.newBuilder().connectTimeout(PROBE_TIMEOUT).build();
            long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
            while (true) {
                if (!james.process.isAlive()) {
                    throw new IllegalStateException("James exited with status " + james.process.exitValue()
                        + " while starting; " + james.logTail());
                }
                String waitingFor = smtpGreets(james.smtpAddress)
                    ? webAdminHealthy(http, james.webAdminUri().resolve("/healthcheck"))
                    : "SMTP greeting on " + james.smtpAddress;
                if (waitingFor.isEmpty()) {
                    return;
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("James did not get ready within " + START_TIMEOUT.toSeconds()
                        + " s (still waiting for the " + waitingFor + "); " + james.logTail());
                }
                pause(PROBE_INTERVAL);
            }
        }

        /** True when a connection gets a 220 greeting (RFC 5321 4.3.1). */
        private static boolean smtpGreets(InetSocketAddress address) {
            try (Socket socket = new Socket()) {
                socket.connect(address, (int) PROBE_TIMEOUT.toMillis());
                socket.setSoTimeout((int) PROBE_TIMEOUT.toMillis());
                BufferedReader reader = new BufferedReader(
                    new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
                String greeting = reader.readLine();
                socket.getOutputStream().write("QUIT\r\n".getBytes(StandardCharsets.US_ASCII));
                return greeting != null && greeting.startsWith("220");
            } catch (IOException e) {
                return false;
            }
        }

        /** "" when GET /healthcheck answers 200, else what is awaited. */
        private static String webAdminHealthy(HttpClient http, URI healthcheck) {
            try {
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(healthcheck).timeout(PROBE_TIMEOUT)
                    .build(), HttpResponse.BodyHandlers.ofString());
                return response.statusCode() == 200 ? ""
                    : "WebAdmin " + healthcheck + " to answer 200, it answered " + response.statusCode() + " "
                        + response.body();
            } catch (IOException e) {
                return "WebAdmin on " + healthcheck;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for James to start", e);
            }
        }

        private static void pause(Duration duration) {
            try {
                Thread.sleep(duration.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for James to start", e);
            }
        }
    }
}
