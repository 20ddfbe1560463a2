package io.github.tiereddelivery.pool;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * The bounds of a {@link ConnectionPool}.
 *
 * @param maxConnectionsPerServer  connections to one server (address and port) at a time, in use or idle; also the
 *                                 most sessions in flight with it, so a hung server holds at most that many threads
 * @param maxMessagesPerConnection messages one connection carries before it is closed (Postfix's
 *                                 {@code smtp_connection_reuse_count_limit}); 1 = a connection per message
 * @param idleTime                 how long an unused connection stays open; shorter than servers wait (RFC 5321
 *                                 4.5.3.2.7 asks them for 5 minutes, Postfix's own cache keeps 2 s); zero = never kept
 * @param busyWait                 how long a message waits for a server that has all its connections in use before
 *                                 that server counts as busy for it
 */
public record PoolLimits(int maxConnectionsPerServer, int maxMessagesPerConnection, Duration idleTime, Duration busyWait) {
    public PoolLimits {
        if (maxConnectionsPerServer < 1) {
            throw new IllegalArgumentException("maxConnectionsPerServer must be at least 1, got " + maxConnectionsPerServer);
        }
        if (maxMessagesPerConnection < 1) {
            throw new IllegalArgumentException("maxMessagesPerConnection must be at least 1, got " + maxMessagesPerConnection);
        }
        requireNonNull(idleTime, "idleTime");
        requireNonNull(busyWait, "busyWait");
        if (idleTime.isNegative() || busyWait.isNegative()) {
            throw new IllegalArgumentException("idleTime and busyWait must not be negative");
        }
    }

    /** Whether connections are kept between messages at all. */
    public boolean keepsConnections() {
        return maxMessagesPerConnection > 1 && !idleTime.isZero();
    }
}
