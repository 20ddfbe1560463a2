package io.github.tiereddelivery.pool;

import static java.util.Objects.requireNonNull;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

import io.github.tiereddelivery.smtp.SmtpConnection;
import io.github.tiereddelivery.smtp.SmtpSessionException;

/**
 * SMTP connections kept open between messages, per server (OkHttp's RealConnectionPool). The delivery engine chooses
 * the server of each message first, with its balancing policy; only then does the pool give that message an idle
 * connection to that very server, or open a new one. Reuse therefore never changes which server gets a message.
 *
 * <p>Per server (address and port): at most {@link PoolLimits#maxConnectionsPerServer()} connections, in use or idle.
 * A message needs a {@link Lease} to talk to a server; when every connection of the server is in use it waits up to
 * {@link PoolLimits#busyWait()}, then the server is busy for that message, which moves on to its next server: a slow or
 * hung server holds at most that many delivery threads. A connection carries at most
 * {@link PoolLimits#maxMessagesPerConnection()} messages, is only kept when its session is in a known state (see
 * {@link Lease#close()}), and is closed with QUIT after {@link PoolLimits#idleTime()} unused.
 *
 * <p>Bookkeeping happens under one lock; connecting and QUIT happen outside it. Thread-safe.
 */
public final class ConnectionPool implements AutoCloseable {

    /** Opens a session for a key; the default connects with {@link SmtpConnection#open}. */
    @FunctionalInterface
    public interface Connector {
        SmtpConnection open(ConnectionKey key) throws SmtpSessionException;
    }

    /** Counters for metrics and tests. */
    public record Statistics(long opened, long reused, int idle, int inUse, int waiting) {
    }

    private static final Duration MIN_REAP_INTERVAL = Duration.ofMillis(50);

    private final PoolLimits limits;
    private final Connector connector;
    private final LongSupplier nanoTime;
    private final ReentrantLock lock = new ReentrantLock();
    /** Only servers with a lease, a waiting message or an idle connection: the map forgets the others. */
    private final Map<InetSocketAddress, ServerConnections> servers = new HashMap<>();
    private final AtomicLong opened = new AtomicLong();
    private final AtomicLong reused = new AtomicLong();
    private final Optional<ScheduledExecutorService> reaper;
    private boolean closed;

    private ConnectionPool(PoolLimits limits, Connector connector, LongSupplier nanoTime, boolean reap) {
        this.limits = requireNonNull(limits, "limits");
        this.connector = requireNonNull(connector, "connector");
        this.nanoTime = requireNonNull(nanoTime, "nanoTime");
        this.reaper = reap && limits.keepsConnections() ? Optional.of(startReaper()) : Optional.empty();
    }

    /** A pool that connects with {@link SmtpConnection#open} and closes idle connections on a daemon thread. */
    public static ConnectionPool create(PoolLimits limits) {
        return create(limits, key -> SmtpConnection.open(key.address(), key.serverName(), key.settings()));
    }

    public static ConnectionPool create(PoolLimits limits, Connector connector) {
        return new ConnectionPool(limits, connector, System::nanoTime, true);
    }

    /** Without the reaper thread and with the given clock: idle connections go when {@link #closeIdleExpired()} says. */
    static ConnectionPool withClock(PoolLimits limits, Connector connector, LongSupplier nanoTime) {
        return new ConnectionPool(limits, connector, nanoTime, false);
    }

    public PoolLimits limits() {
        return limits;
    }

    /**
     * The right to one session with the key's server, for one message; empty when the server kept all its connections
     * in use for {@link PoolLimits#busyWait()}. Close the lease when the message is done.
     */
    public Optional<Lease> lease(ConnectionKey key) throws InterruptedException {
        return lease(key, limits.maxConnectionsPerServer(), limits.busyWait());
    }

    /** A lease only when no session of the key's server is in use, without waiting: for a server that is down. */
    public Optional<Lease> leaseAlone(ConnectionKey key) throws InterruptedException {
        return lease(key, 1, Duration.ZERO);
    }

    private Optional<Lease> lease(ConnectionKey key, int maxInUse, Duration wait) throws InterruptedException {
        requireNonNull(key, "key");
        lock.lock();
        try {
            ServerConnections server = servers.computeIfAbsent(key.address(), address -> new ServerConnections());
            long remaining = wait.toNanos();
            long failedBefore = server.failedSessions;
            server.waiting++;
            try {
                while (server.inUse >= maxInUse) {
                    if (remaining <= 0) {
                        return Optional.empty();
                    }
                    remaining = server.released.awaitNanos(remaining);
                }
                server.inUse++;
                return Optional.of(new Lease(this, key, server.failedSessions > failedBefore));
            } finally {
                server.waiting--;
                forgetIfUnused(key.address(), server);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Closes every idle connection that idled longer than {@link PoolLimits#idleTime()}; the reaper calls it. */
    public void closeIdleExpired() {
        List<PooledConnection> expired = new ArrayList<>();
        lock.lock();
        try {
            long now = nanoTime.getAsLong();
            for (Iterator<Map.Entry<InetSocketAddress, ServerConnections>> entries = servers.entrySet().iterator();
                 entries.hasNext(); ) {
                ServerConnections server = entries.next().getValue();
                removeExpired(server, now, expired);
                if (server.unused()) {
                    entries.remove();
                }
            }
        } finally {
            lock.unlock();
        }
        expired.forEach(PooledConnection::close);
    }

    /**
     * Closes the idle connections (QUIT) and keeps no connection from now on: those in use are closed when their lease
     * ends. Leases may still be taken; they get new connections.
     */
    @Override
    public void close() {
        List<PooledConnection> idle = new ArrayList<>();
        lock.lock();
        try {
            closed = true;
            servers.values().forEach(server -> {
                idle.addAll(server.idle);
                server.idle.clear();
            });
            servers.values().removeIf(ServerConnections::unused);
        } finally {
            lock.unlock();
        }
        reaper.ifPresent(ScheduledExecutorService::shutdownNow);
        idle.forEach(PooledConnection::close);
    }

    public Statistics statistics() {
        lock.lock();
        try {
            int idle = servers.values().stream().mapToInt(server -> server.idle.size()).sum();
            int inUse = servers.values().stream().mapToInt(server -> server.inUse).sum();
            int waiting = servers.values().stream().mapToInt(server -> server.waiting).sum();
            return new Statistics(opened.get(), reused.get(), idle, inUse, waiting);
        } finally {
            lock.unlock();
        }
    }

    /** Servers the pool holds something for (a lease, a waiting message, an idle connection). */
    int serverCount() {
        lock.lock();
        try {
            return servers.size();
        } finally {
            lock.unlock();
        }
    }

    /** The most recently used idle connection of this key, if any; expired ones met on the way are closed. */
    Optional<PooledConnection> takeIdle(ConnectionKey key) {
        List<PooledConnection> expired = new ArrayList<>();
        Optional<PooledConnection> found = Optional.empty();
        lock.lock();
        try {
            ServerConnections server = servers.get(key.address());
            removeExpired(server, nanoTime.getAsLong(), expired);
            for (Iterator<PooledConnection> idle = server.idle.iterator(); idle.hasNext(); ) {
                PooledConnection connection = idle.next();
                if (connection.key().equals(key)) {
                    idle.remove();
                    found = Optional.of(connection);
                    break;
                }
            }
            if (found.isEmpty()) {
                // The new connection must fit: idle ones of other keys give way, the least recently used first.
                while (!server.idle.isEmpty() && server.inUse + server.idle.size() > limits.maxConnectionsPerServer()) {
                    expired.add(server.idle.removeLast());
                }
            }
        } finally {
            lock.unlock();
        }
        expired.forEach(PooledConnection::close);
        found.ifPresent(any -> reused.incrementAndGet());
        return found;
    }

    PooledConnection open(ConnectionKey key) throws SmtpSessionException {
        PooledConnection connection = new PooledConnection(key, connector.open(key));
        opened.incrementAndGet();
        return connection;
    }

    /**
     * The lease ends. Its connection, if it has one, is kept when {@code reusable} and within the limits, else closed.
     * A {@code failed} session is counted before anyone waiting is told, so that they learn it.
     */
    void release(ConnectionKey key, Optional<PooledConnection> connection, boolean reusable, boolean failed) {
        boolean keep = false;
        lock.lock();
        try {
            ServerConnections server = servers.get(key.address());
            server.inUse--;
            if (failed) {
                server.failedSessions++;
            }
            if (connection.isPresent() && reusable && !closed && limits.keepsConnections()
                    && connection.get().carried() < limits.maxMessagesPerConnection()) {
                connection.get().idleFrom(nanoTime.getAsLong());
                server.idle.addFirst(connection.get());
                keep = true;
            }
            server.released.signal();
            forgetIfUnused(key.address(), server);
        } finally {
            lock.unlock();
        }
        if (!keep) {
            connection.ifPresent(PooledConnection::close);
        }
    }

    private void removeExpired(ServerConnections server, long now, List<PooledConnection> expired) {
        long idleNanos = limits.idleTime().toNanos();
        for (Iterator<PooledConnection> idle = server.idle.iterator(); idle.hasNext(); ) {
            PooledConnection connection = idle.next();
            if (connection.idleLongerThan(idleNanos, now)) {
                idle.remove();
                expired.add(connection);
            }
        }
    }

    private void forgetIfUnused(InetSocketAddress address, ServerConnections server) {
        if (server.unused()) {
            servers.remove(address);
        }
    }

    private ScheduledExecutorService startReaper() {
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "TieredRemoteDelivery-connection-reaper");
            thread.setDaemon(true);
            return thread;
        });
        Duration half = limits.idleTime().dividedBy(2);
        long interval = Math.max(half.toMillis(), MIN_REAP_INTERVAL.toMillis());
        scheduler.scheduleWithFixedDelay(this::closeIdleExpired, interval, interval, TimeUnit.MILLISECONDS);
        return scheduler;
    }

    /** One server's connections; guarded by the pool's lock. */
    private final class ServerConnections {
        private final Condition released = lock.newCondition();
        /** Most recently used first. */
        private final Deque<PooledConnection> idle = new ArrayDeque<>();
        private int inUse;
        private int waiting;
        /** Leases that ended with a failed session; only ever compared with an earlier value. */
        private long failedSessions;

        /** Nothing to remember: forgetting the failure count too is fine, as nobody waits. */
        boolean unused() {
            return inUse == 0 && waiting == 0 && idle.isEmpty();
        }
    }
}
