package io.github.tiereddelivery.pool;

import io.github.tiereddelivery.smtp.SmtpConnection;

/** An open SMTP session of the pool: what it was opened for, how many messages it carried, since when it idles. */
final class PooledConnection {
    private final ConnectionKey key;
    private final SmtpConnection connection;
    private int messages;
    private long idleSince;

    PooledConnection(ConnectionKey key, SmtpConnection connection) {
        this.key = key;
        this.connection = connection;
    }

    ConnectionKey key() {
        return key;
    }

    SmtpConnection connection() {
        return connection;
    }

    /** One more message went through this connection (whatever its outcome); returns the count. */
    int carried() {
        return ++messages;
    }

    void idleFrom(long nanoTime) {
        idleSince = nanoTime;
    }

    boolean idleLongerThan(long idleNanos, long now) {
        return now - idleSince >= idleNanos;
    }

    /** QUIT and close; never throws. */
    void close() {
        connection.quit();
    }
}
