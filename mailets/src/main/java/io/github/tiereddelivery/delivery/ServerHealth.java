package io.github.tiereddelivery.delivery;

import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

import javax.inject.Inject;
import javax.inject.Singleton;

import com.google.common.cache.Cache;
import com.google.common.cache.CacheBuilder;

/**
 * The per-JVM memory of servers that failed at connection or session level (SPEC "Delivery behaviour"; OkHttp's
 * RouteDatabase). A failed server is down for a growing interval (30 s, doubling with each failed probe up to 10 min,
 * reset by a success); while down it is tried after the healthy servers of its tier and of the later tiers, never
 * skipped (fail open). When its interval ends, one attempt probes it; the others still treat it as down until that
 * probe tells.
 *
 * <p>Kept per address and port, whatever name a route reached it by (several names, or an IP literal, may lead to
 * one server): its names are listed, most recently used first.
 *
 * <p>Bounded: at most {@link #MAX_SERVERS} servers, and a server not seen for a day is forgotten.
 */
@Singleton
public class ServerHealth {
    static final Duration FIRST_DOWN_INTERVAL = Duration.ofSeconds(30);
    static final Duration MAX_DOWN_INTERVAL = Duration.ofMinutes(10);
    /** How long a claimed probe keeps the others away; a probe that was claimed but not made can be claimed again. */
    static final Duration PROBE_WINDOW = Duration.ofMinutes(1);
    static final int MAX_SERVERS = 10_000;
    /** Names kept per address (routes naming the same address by several names, or by its IP literal). */
    static final int MAX_NAMES = 8;

    public enum Availability {
        /** Up, or never seen failing: tried in its place. */
        UP,
        /** Its down interval ended and this caller probes it: tried in its place. */
        PROBE,
        /** Down: tried after every healthy server. */
        DOWN
    }

    private final Clock clock;
    private final Cache<InetSocketAddress, ServerRecord> records = CacheBuilder.newBuilder()
        .maximumSize(MAX_SERVERS)
        .expireAfterAccess(Duration.ofDays(1))
        .build();

    @Inject
    public ServerHealth() {
        this(Clock.systemUTC());
    }

    public ServerHealth(Clock clock) {
        this.clock = clock;
    }

    /** Where the server goes in the order of an attempt; {@link Availability#PROBE} is granted to one caller at a time. */
    public Availability availability(Server server) {
        ServerRecord record = records.getIfPresent(server.address());
        return record == null ? Availability.UP : record.availability(clock.instant());
    }

    /** Whether the server is within a down interval now (no probe is claimed by asking). */
    public boolean isDown(Server server) {
        ServerRecord record = records.getIfPresent(server.address());
        return record != null && record.isDown(clock.instant());
    }

    /** A session with the server failed: down for the next interval, twice the last one. */
    public void failed(Server server, String reason) {
        record(server).failed(clock.instant(), reason);
    }

    /**
     * The caller was granted {@link Availability#PROBE} but the attempt ended before reaching the server (an earlier
     * one took every recipient): the next caller may probe it at once, instead of after {@link #PROBE_WINDOW}.
     */
    public void probeNotMade(Server server) {
        ServerRecord record = records.getIfPresent(server.address());
        if (record != null) {
            record.probeNotMade();
        }
    }

    /** The server held a session: up again, its interval reset. */
    public void responded(Server server) {
        record(server).responded(clock.instant());
    }

    /** A new SMTP session began: the server greeted us on a new connection. Counted for WebAdmin. */
    public void sessionOpened(Server server) {
        record(server).sessionOpened();
    }

    /** Mail the server accepted, counted for WebAdmin. */
    public void delivered(Server server, int recipients) {
        record(server).delivered(recipients);
    }

    /** Forgets every server: all are up again (an operator who repaired servers does not wait for the probes). */
    public void forget() {
        records.invalidateAll();
    }

    public Optional<ServerStatus> status(InetSocketAddress address) {
        return Optional.ofNullable(records.getIfPresent(address)).map(ServerRecord::status);
    }

    /** Every server seen, most recently seen first. */
    public List<ServerStatus> statuses() {
        return records.asMap().values().stream()
            .map(ServerRecord::status)
            .sorted(Comparator.comparing(ServerStatus::lastSeen).reversed())
            .collect(Collectors.toList());
    }

    private ServerRecord record(Server server) {
        ServerRecord record = records.asMap().computeIfAbsent(server.address(), address -> new ServerRecord(address, server.hostname()));
        record.seen(server.hostname());
        return record;
    }

    /**
     * What WebAdmin shows of a server: the names it was reached by (most recent first), {@code sessions} it greeted us in
     * (a session reused for many messages counts once), {@code failures} (attempts that failed: refused, timed out, 4xx
     * greeting…; each closes its session), recipients it accepted.
     */
    public record ServerStatus(List<String> hostnames, InetSocketAddress address, boolean down, Optional<Instant> downUntil,
                               int consecutiveFailures, Optional<String> lastError, Optional<Instant> lastErrorAt,
                               long sessions, long failures, long deliveredRecipients, Instant lastSeen) {
        /** The name it was last reached by. */
        public String hostname() {
            return hostnames.get(0);
        }
    }

    private static final class ServerRecord {
        private final InetSocketAddress address;
        /** Least recently used first. */
        private final Deque<String> hostnames = new ArrayDeque<>();
        private Optional<Instant> downUntil = Optional.empty();
        /** When the down interval ended, while a probe is claimed; empty otherwise. */
        private Optional<Instant> probeClaimedAfter = Optional.empty();
        private Duration lastInterval = Duration.ZERO;
        private int consecutiveFailures;
        private Optional<String> lastError = Optional.empty();
        private Optional<Instant> lastErrorAt = Optional.empty();
        private long sessions;
        private long failures;
        private long deliveredRecipients;
        private Instant lastSeen = Instant.EPOCH;

        ServerRecord(InetSocketAddress address, String hostname) {
            this.address = address;
            hostnames.add(hostname);
        }

        synchronized void seen(String name) {
            if (!name.equals(hostnames.peekLast())) {
                hostnames.remove(name);
                hostnames.addLast(name);
                if (hostnames.size() > MAX_NAMES) {
                    hostnames.removeFirst();
                }
            }
        }

        synchronized Availability availability(Instant now) {
            if (downUntil.isEmpty()) {
                return Availability.UP;
            }
            if (now.isBefore(downUntil.get())) {
                return Availability.DOWN;
            }
            // The interval ended: this caller probes; the others wait for its verdict (or for the window to pass).
            probeClaimedAfter = downUntil;
            downUntil = Optional.of(now.plus(PROBE_WINDOW));
            return Availability.PROBE;
        }

        synchronized boolean isDown(Instant now) {
            return downUntil.isPresent() && now.isBefore(downUntil.get());
        }

        synchronized void probeNotMade() {
            if (probeClaimedAfter.isPresent()) {
                downUntil = probeClaimedAfter;
                probeClaimedAfter = Optional.empty();
            }
        }

        synchronized void failed(Instant now, String reason) {
            // Sessions that were already under way when the server went down, or that tried it as the last resort,
            // confirm the interval; only a failure of an up server or of a probe starts the next, longer one.
            boolean alreadyDown = downUntil.isPresent() && now.isBefore(downUntil.get()) && probeClaimedAfter.isEmpty();
            if (!alreadyDown) {
                lastInterval = lastInterval.isZero() ? FIRST_DOWN_INTERVAL : min(lastInterval.multipliedBy(2), MAX_DOWN_INTERVAL);
                downUntil = Optional.of(now.plus(lastInterval));
            }
            probeClaimedAfter = Optional.empty();
            consecutiveFailures++;
            failures++;
            lastError = Optional.of(reason);
            lastErrorAt = Optional.of(now);
            lastSeen = now;
        }

        synchronized void responded(Instant now) {
            downUntil = Optional.empty();
            probeClaimedAfter = Optional.empty();
            lastInterval = Duration.ZERO;
            consecutiveFailures = 0;
            lastSeen = now;
        }

        synchronized void sessionOpened() {
            sessions++;
        }

        synchronized void delivered(int recipients) {
            deliveredRecipients += recipients;
        }

        synchronized ServerStatus status() {
            List<String> names = new ArrayList<>(hostnames);
            Collections.reverse(names);
            return new ServerStatus(List.copyOf(names), address, downUntil.isPresent(), downUntil, consecutiveFailures,
                lastError, lastErrorAt, sessions, failures, deliveredRecipients, lastSeen);
        }

        private static Duration min(Duration a, Duration b) {
            return a.compareTo(b) <= 0 ? a : b;
        }
    }
}
