package io.github.tiereddelivery.pool;

import java.util.Optional;

import io.github.tiereddelivery.smtp.SmtpConnection;
import io.github.tiereddelivery.smtp.SmtpSessionException;

/**
 * The right to one session with a server for one message, from {@link ConnectionPool#lease}. Not thread-safe: one
 * delivery thread uses it, then closes it.
 */
public final class Lease implements AutoCloseable {
    private final ConnectionPool pool;
    private final ConnectionKey key;
    private final boolean failedWhileWaiting;
    private Optional<PooledConnection> current = Optional.empty();
    private boolean reused;
    private boolean failed;
    private boolean closed;

    Lease(ConnectionPool pool, ConnectionKey key, boolean failedWhileWaiting) {
        this.pool = pool;
        this.key = key;
        this.failedWhileWaiting = failedWhileWaiting;
    }

    public ConnectionKey key() {
        return key;
    }

    /**
     * Whether the message waited for a session with this server and meanwhile sessions of others {@link #failed()}:
     * the server is failing, and the health memory may not know yet.
     */
    public boolean failedWhileWaiting() {
        return failedWhileWaiting;
    }

    /**
     * The connection for the message: the one already taken, else the most recently used idle connection of the key,
     * else a new one.
     *
     * @throws SmtpSessionException when a new connection cannot be opened
     */
    public SmtpConnection connection() throws SmtpSessionException {
        requireOpen();
        if (current.isEmpty()) {
            Optional<PooledConnection> idle = pool.takeIdle(key);
            reused = idle.isPresent();
            current = Optional.of(idle.isPresent() ? idle.get() : pool.open(key));
        }
        return current.get().connection();
    }

    /** Whether {@link #connection()} gave a connection that carried mail before (and may have gone stale since). */
    public boolean reused() {
        return reused;
    }

    /** The session with the server failed (connection, timeout, 421): messages waiting for this server learn it. */
    public void failed() {
        failed = true;
    }

    /** The connection cannot be trusted any more: closed now; the next {@link #connection()} opens a new one. */
    public void discard() {
        current.ifPresent(PooledConnection::close);
        current = Optional.empty();
        reused = false;
    }

    /**
     * Ends the lease. The connection goes back to the pool only when it is usable (no I/O error, timeout or 421 closed
     * it, see {@link SmtpConnection#isUsable()}) and within the limits; otherwise it is closed.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        pool.release(key, current, current.map(connection -> connection.connection().isUsable()).orElse(false), failed);
        current = Optional.empty();
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("the lease for " + key.address() + " is closed");
        }
    }
}
