package io.github.tiereddelivery.it.support;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * A real dnsmasq process serving exactly the records of a {@link DnsZone} on 127.0.0.1 (UDP and TCP), on a port of
 * its own, or on port 53 of another loopback address ({@link #startOnPort53}, for what cannot take a port). It reads
 * nothing from /etc (no dnsmasq.conf, hosts or resolv.conf) and forwards nothing: every name the zone does not define
 * is NXDOMAIN. Point the resolver under test at {@link #resolverAddress()}.
 *
 * <p>Run as root, dnsmasq binds its port and then drops to the user "nobody", as it does by default; it needs no
 * file after start-up (all options are on its command line), so no {@code --user} is needed.
 */
public final class Dnsmasq implements AutoCloseable {
    private static final Logger LOGGER = LoggerFactory.getLogger(Dnsmasq.class);
    private static final Path BINARY = Path.of("/usr/sbin/dnsmasq");
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(15);
    private static final Duration READY_POLL_INTERVAL = Duration.ofMillis(20);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(5);
    private static final int OUTPUT_LINES_KEPT = 100;
    private static final int PORT_ATTEMPTS = 5;
    private static final String PORT_TAKEN = "Address already in use";

    private final String address;
    private final int port;
    private Optional<ServfailResponder> servfailResponder = Optional.empty();
    private Optional<BrokenDnsServer> silentServer = Optional.empty();
    private Process process;
    private Thread outputReader;
    private Thread shutdownHook;
    private final Deque<String> output = new ConcurrentLinkedDeque<>();

    private Dnsmasq(String address, int port) {
        this.address = address;
        this.port = port;
    }

    /** Starts dnsmasq on a free loopback port and returns once it answers queries. */
    public static Dnsmasq start(DnsZone zone) {
        checkInstalled();
        for (int attempt = 1; ; attempt++) {
            Dnsmasq dnsmasq = new Dnsmasq("127.0.0.1", freeUdpAndTcpPort());
            try {
                dnsmasq.launch(zone);
                return dnsmasq;
            } catch (DnsmasqExited e) {
                dnsmasq.close();
                if (!e.getMessage().contains(PORT_TAKEN) || attempt == PORT_ATTEMPTS) {
                    throw e;
                }
                LOGGER.info("port {} was taken before dnsmasq could bind it, trying another one", dnsmasq.port);
            }
        }
    }

    /**
     * Starts dnsmasq on port 53 of {@code address} (e.g. 127.0.0.153, not 127.0.0.1 where a system resolver may listen),
     * for a resolver that cannot take a port, as James' dnsservice.xml. Needs root, as the tests have.
     */
    public static Dnsmasq startOnPort53(DnsZone zone, String address) {
        checkInstalled();
        Dnsmasq dnsmasq = new Dnsmasq(address, 53);
        try {
            dnsmasq.launch(zone);
            return dnsmasq;
        } catch (RuntimeException e) {
            dnsmasq.close();
            throw e;
        }
    }

    /** "address:port", the form of the mailet's {@code dnsServers} parameter. */
    public String resolverAddress() {
        return address + ":" + port;
    }

    /** The address dnsmasq listens on. */
    public String address() {
        return address;
    }

    public int port() {
        return port;
    }

    /** Restarts dnsmasq on the same port with other records; returns once it answers queries again. */
    public void reload(DnsZone zone) {
        stopProcess();
        launch(zone);
    }

    public void stop() {
        stopProcess();
        servfailResponder.ifPresent(ServfailResponder::close);
        servfailResponder = Optional.empty();
        silentServer.ifPresent(BrokenDnsServer::close);
        silentServer = Optional.empty();
    }

    @Override
    public void close() {
        stop();
    }

    private static void checkInstalled() {
        if (!Files.isExecutable(BINARY)) {
            throw new IllegalStateException(BINARY + " is missing: install it with 'apt-get install -y dnsmasq-base'"
                + " (./test.sh does this)");
        }
    }

    private void launch(DnsZone zone) {
        if (!zone.servfailDomains().isEmpty() && servfailResponder.isEmpty()) {
            servfailResponder = Optional.of(ServfailResponder.start());
        }
        if (!zone.silentDomains().isEmpty() && silentServer.isEmpty()) {
            silentServer = Optional.of(BrokenDnsServer.silent());
        }
        List<String> command = command(zone);
        LOGGER.debug("starting {}", command);
        output.clear();
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + BINARY, e);
        }
        Process started = process;
        shutdownHook = new Thread(started::destroyForcibly, "dnsmasq-" + port + "-killer");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
        outputReader = new Thread(() -> collectOutput(started), "dnsmasq-" + port + "-output");
        outputReader.setDaemon(true);
        outputReader.start();
        awaitAnswers();
    }

    private List<String> command(DnsZone zone) {
        List<String> command = new ArrayList<>(List.of(
            BINARY.toString(),
            "--keep-in-foreground",
            "--conf-file=/dev/null",     // not /etc/dnsmasq.conf nor /etc/dnsmasq.d
            "--no-resolv",               // no upstream servers from /etc/resolv.conf
            "--no-hosts",                // no /etc/hosts
            "--pid-file",                // no pid file: instances would fight over /run/dnsmasq.pid
            "--bind-interfaces",
            "--listen-address=" + address,
            "--port=" + port,
            "--local=/#/",               // every name not defined here: NXDOMAIN, never forwarded
            "--cache-size=0",
            "--local-ttl=" + zone.ttl().toSeconds(),
            "--log-facility=-",          // log to stderr, which this fixture collects
            "--log-queries"));
        if (zone.authoritative()) {
            // Authoritative for test.: negative answers carry the SOA, whose TTL and minimum are the zone's TTL.
            command.add("--auth-server=ns.test," + address);
            command.add("--auth-zone=test");
            command.add("--auth-ttl=" + zone.ttl().toSeconds());
        }
        zone.addresses().forEach(a -> command.add("--host-record=" + a.name() + "," + a.address().getHostAddress()));
        zone.mxs().forEach(mx -> command.add("--mx-host=" + mx.name() + "," + mx.target() + "," + mx.preference()));
        // RFC 7505 null MX, "MX 0 .": RDATA = preference 0 (0x0000) + the root name (0x00). --mx-host cannot say it.
        zone.nullMxNames().forEach(name -> command.add("--dns-rr=" + name + ",15,000000"));
        zone.cnames().forEach(c -> command.add("--cname=" + c.alias() + "," + c.target()));
        servfailResponder.ifPresent(responder -> zone.servfailDomains()
            .forEach(domain -> command.add("--server=/" + domain + "/127.0.0.1#" + responder.port())));
        silentServer.ifPresent(silent -> zone.silentDomains()
            .forEach(domain -> command.add("--server=/" + domain + "/" + silent.resolverAddress().replace(':', '#'))));
        return command;
    }

    private void collectOutput(Process source) {
        try (BufferedReader reader = new BufferedReader(
                new InputStreamReader(source.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                LOGGER.debug("{}", line);
                output.addLast(line);
                while (output.size() > OUTPUT_LINES_KEPT) {
                    output.pollFirst();
                }
            }
        } catch (IOException e) {
            // the process is gone
        }
    }

    private void awaitAnswers() {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        SimpleResolver resolver = new SimpleResolver(new InetSocketAddress(address, port));
        resolver.setTimeout(Duration.ofMillis(250));
        Message probe = readinessQuery();
        while (true) {
            if (!process.isAlive()) {
                awaitOutputOfExitedProcess();
                throw new DnsmasqExited("dnsmasq exited with code " + process.exitValue()
                    + " before answering on port " + port + ". Its output:\n" + String.join("\n", output));
            }
            try {
                resolver.send(probe);
                return;
            } catch (IOException notYet) {
                if (System.nanoTime() > deadline) {
                    String lastOutput = String.join("\n", output);
                    stopProcess();
                    throw new IllegalStateException("dnsmasq did not answer on port " + port + " within "
                        + READY_TIMEOUT.toSeconds() + "s. Its output:\n" + lastOutput);
                }
                pause(READY_POLL_INTERVAL);
            }
        }
    }

    private void awaitOutputOfExitedProcess() {
        try {
            outputReader.join(STOP_TIMEOUT.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Message readinessQuery() {
        try {
            return Message.newQuery(Record.newRecord(Name.fromString("dnsmasq-ready.invalid."), Type.A, DClass.IN));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void stopProcess() {
        if (process == null) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                    throw new IllegalStateException("dnsmasq (pid " + process.pid() + ") did not die within "
                        + 2 * STOP_TIMEOUT.toSeconds() + "s");
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        } finally {
            removeShutdownHook();
        }
        process = null;
    }

    private void removeShutdownHook() {
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException jvmShuttingDown) {
            // the hook runs anyway
        }
    }

    private static void pause(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for dnsmasq", e);
        }
    }

    private static int freeUdpAndTcpPort() {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        for (int attempt = 0; attempt < 50; attempt++) {
            try (ServerSocket tcp = new ServerSocket(0, 1, loopback)) {
                try (DatagramSocket udp = new DatagramSocket(new InetSocketAddress(loopback, tcp.getLocalPort()))) {
                    return udp.getLocalPort();
                } catch (IOException udpTaken) {
                    // try another port
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        throw new IllegalStateException("no loopback port free for both UDP and TCP after 50 attempts");
    }

    private static final class DnsmasqExited extends IllegalStateException {
        DnsmasqExited(String message) {
            super(message);
        }
    }
}
