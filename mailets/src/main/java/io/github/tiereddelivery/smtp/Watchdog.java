package io.github.tiereddelivery.smtp;

import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Closes a socket when an operation overruns its deadline. A socket read timeout does not cover writes (a server that
 * stops reading blocks the writer forever) nor reads of TLS records trickled in byte by byte; closing the socket
 * unblocks both. One daemon thread serves every connection.
 */
final class Watchdog {

    private static final ScheduledThreadPoolExecutor SCHEDULER = createScheduler();

    private Watchdog() {
    }

    /** Arms a guard that closes {@code socket} after {@code timeout} unless the guard is closed first. */
    static Guard arm(Closeable socket, Duration timeout) {
        Guard guard = new Guard(socket);
        guard.task = SCHEDULER.schedule(guard::expire, timeout.toNanos(), TimeUnit.NANOSECONDS);
        return guard;
    }

    private static ScheduledThreadPoolExecutor createScheduler() {
        ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, "smtp-client-watchdog");
            thread.setDaemon(true);
            return thread;
        });
        scheduler.setRemoveOnCancelPolicy(true);
        return scheduler;
    }

    /** Closing the guard disarms it. */
    static final class Guard implements AutoCloseable {
        private final Closeable socket;
        private volatile boolean expired;
        private ScheduledFuture<?> task;

        private Guard(Closeable socket) {
            this.socket = socket;
        }

        /** True when the deadline passed and the socket was (or is being) closed. */
        boolean expired() {
            return expired;
        }

        private void expire() {
            expired = true;
            try {
                socket.close();
            } catch (IOException | RuntimeException e) {
                // The socket is being closed anyway; nothing more to do.
            }
        }

        @Override
        public void close() {
            task.cancel(false);
        }
    }
}
