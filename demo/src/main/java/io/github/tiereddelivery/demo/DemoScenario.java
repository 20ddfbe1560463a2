package io.github.tiereddelivery.demo;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import io.github.tiereddelivery.demo.DemoServers.DemoServer;

/**
 * The fail-over demo: phases of messages sent through James to {@value DemoServers#DOMAIN} — all servers up (tier 1
 * shares the mail), tier 1 refusing connections (tier 2 gets it at once), tier 1 restarted but still held down by
 * James' memory of failed servers until its retry interval ends (one message a second until James probes tier 1 and
 * a tier-1 server receives one), tier 1 up again — each phase waiting until its messages arrived and James' outgoing
 * queue is empty; then whether every message arrived exactly once.
 */
public final class DemoScenario {
    private static final Duration PHASE_TIMEOUT = Duration.ofMinutes(2);
    /** Longer than the longest interval James holds a failed server down (10 minutes). */
    private static final Duration PROBE_TIMEOUT = Duration.ofMinutes(11);
    private static final Duration PROBE_PACE = Duration.ofSeconds(1);
    private static final Duration REFRESH = Duration.ofMillis(200);
    private static final Duration HTTP_TIMEOUT = Duration.ofSeconds(5);
    private static final String OUTGOING_QUEUE = "/mailQueues/outgoing";
    private static final Pattern QUEUE_SIZE = Pattern.compile("\"size\"\\s*:\\s*(\\d+)");

    /** Pauses that let a person follow: between two messages, and after each phase. */
    public record Pacing(Duration betweenMessages, Duration afterPhase) {
        public static final Pacing NONE = new Pacing(Duration.ZERO, Duration.ZERO);
        public static final Pacing WATCHABLE = new Pacing(Duration.ofMillis(25), Duration.ofSeconds(3));
    }

    /** Where the demo shows its progress. */
    public interface Display {
        /** Called about every 200 ms while a phase runs. */
        void update(DemoView view);

        /** Called once when a phase's messages all arrived (or the phase timed out). */
        void phaseEnded(DemoView view);
    }

    @FunctionalInterface
    private interface ServerChange {
        void apply(DemoServers servers) throws IOException;
    }

    /** How many messages a phase sends. */
    private enum Sending {
        /** The messages per phase, as fast as the pacing lets. */
        FIXED,
        /** One message a second, each awaited, until one arrives at a tier-1 server. */
        UNTIL_TIER_ONE_RECEIVES
    }

    private record Phase(String title, ServerChange change, Sending sending) {
    }

    private static final List<Phase> PHASES = List.of(
        new Phase("all servers up: the two tier-1 servers share the mail", servers -> { }, Sending.FIXED),
        new Phase("tier 1 stopped: the mail fails over to tier 2 at once", DemoServers::stopTier1, Sending.FIXED),
        new Phase("tier 1 restarted: James holds it down until its retry interval (30 s) ends, then probes it",
            DemoServers::restartTier1, Sending.UNTIL_TIER_ONE_RECEIVES),
        new Phase("tier 1 probed and up: the mail returns to tier 1", servers -> { }, Sending.FIXED));

    private final DemoEnvironment environment;
    private final int messagesPerPhase;
    private final Pacing pacing;
    private final Display display;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(HTTP_TIMEOUT).build();
    private final List<String> sent = new ArrayList<>();
    private int phase;
    private long lastUpdate;

    public DemoScenario(DemoEnvironment environment, int messagesPerPhase, Pacing pacing, Display display) {
        if (messagesPerPhase < 1) {
            throw new IllegalArgumentException("messages per phase must be at least 1, got " + messagesPerPhase);
        }
        this.environment = environment;
        this.messagesPerPhase = messagesPerPhase;
        this.pacing = pacing;
        this.display = display;
    }

    public static int phaseCount() {
        return PHASES.size();
    }

    /** Runs every phase; throws when James refuses a message or stops answering. */
    public DemoReport run() throws IOException, InterruptedException {
        List<DemoReport.PhaseResult> results = new ArrayList<>();
        for (Phase current : PHASES) {
            phase++;
            current.change().apply(environment.servers());
            Map<String, Integer> before = receivedByServer();
            if (current.sending() == Sending.FIXED) {
                awaitDelivery(send(messagesPerPhase));
            } else {
                sendUntilTierOneReceives();
            }
            Map<String, Integer> after = receivedByServer();
            Map<String, Integer> received = new LinkedHashMap<>();
            after.forEach((server, count) -> received.put(server, count - before.get(server)));
            results.add(new DemoReport.PhaseResult(current.title(), received));
            display.phaseEnded(view());
            Thread.sleep(pacing.afterPhase().toMillis());
        }
        Map<String, String> servers = new LinkedHashMap<>();
        environment.servers().all().forEach(server -> servers.put(server.name(), server.tier().label()));
        return new DemoReport(servers, results, DeliveryAudit.of(sent, receivedIds()));
    }

    /**
     * Tier 1 listens again, but James remembers it failed and tries it only after the healthy tier 2 until its down
     * interval ends; the next message then probes it. Each message is awaited, so exactly one reaches tier 1.
     */
    private void sendUntilTierOneReceives() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + PROBE_TIMEOUT.toNanos();
        int before = tierOneReceived();
        while (true) {
            awaitDelivery(send(1));
            if (tierOneReceived() > before) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IOException("tier 1 received nothing " + PROBE_TIMEOUT.toMinutes()
                    + " minutes after it was restarted; " + environment.james().logTail());
            }
            sleep(PROBE_PACE);
        }
    }

    private int tierOneReceived() {
        return environment.servers().tier1().stream().mapToInt(server -> server.server().messageCount()).sum();
    }

    /** Sleeps, refreshing the display. */
    private void sleep(Duration duration) throws InterruptedException {
        long end = System.nanoTime() + duration.toNanos();
        while (System.nanoTime() < end) {
            refreshIfDue();
            Thread.sleep(Math.min(REFRESH.toMillis(), Math.max(1, (end - System.nanoTime()) / 1_000_000)));
        }
    }

    private List<String> send(int messages) throws IOException, InterruptedException {
        List<String> phaseIds = new ArrayList<>();
        try (DemoMailer mailer = DemoMailer.connect(environment.james().smtpAddress())) {
            for (int i = 0; i < messages; i++) {
                String id = mailer.send(sent.size() + 1);
                sent.add(id);
                phaseIds.add(id);
                refreshIfDue();
                Thread.sleep(pacing.betweenMessages().toMillis());
            }
        }
        return phaseIds;
    }

    /** Until every message of the phase arrived and James has nothing left to deliver (no retry pending). */
    private void awaitDelivery(List<String> phaseIds) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + PHASE_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline && !(receivedIds().containsAll(phaseIds) && outgoingQueueSize() == 0)) {
            if (!environment.james().isRunning()) {
                throw new IOException("James stopped; " + environment.james().logTail());
            }
            refreshIfDue();
            Thread.sleep(REFRESH.toMillis());
        }
    }

    /** The size of James' outgoing queue (WebAdmin GET /mailQueues/outgoing), mail waiting for a retry included. */
    private int outgoingQueueSize() throws IOException, InterruptedException {
        URI uri = environment.james().webAdminUri().resolve(OUTGOING_QUEUE);
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).timeout(HTTP_TIMEOUT).build(),
            HttpResponse.BodyHandlers.ofString());
        Matcher size = QUEUE_SIZE.matcher(response.body());
        if (response.statusCode() != 200 || !size.find()) {
            throw new IOException("WebAdmin GET " + uri + " answered " + response.statusCode() + " "
                + response.body());
        }
        return Integer.parseInt(size.group(1));
    }

    private void refreshIfDue() {
        long now = System.nanoTime();
        if (now - lastUpdate >= REFRESH.toNanos()) {
            lastUpdate = now;
            display.update(view());
        }
    }

    private DemoView view() {
        Set<String> sentIds = new HashSet<>(sent);
        int delivered = (int) receivedIds().stream().filter(sentIds::contains).distinct().count();
        List<DemoView.Row> rows = environment.servers().all().stream()
            .map(server -> new DemoView.Row(server.name(), server.tier().label(), server.server().messageCount(),
                server.server().isRunning()))
            .collect(Collectors.toList());
        return new DemoView(phase, PHASES.size(), PHASES.get(phase - 1).title(), sent.size(),
            delivered, rows);
    }

    private Map<String, Integer> receivedByServer() {
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (DemoServer server : environment.servers().all()) {
            counts.put(server.name(), server.server().messageCount());
        }
        return counts;
    }

    /** The Message-ID of every message received, once per arrival ("(none)" for a message without one). */
    private List<String> receivedIds() {
        return environment.servers().all().stream()
            .flatMap(server -> server.server().messages().stream())
            .map(message -> message.messageId().orElse("(none)"))
            .collect(Collectors.toList());
    }
}
