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

    /**
     * Arms a guard that closes {@code socket} after {@code timeout} unless the guard is closed first, or, after each
     * {@link Guard#progress()}, {@code timeout} after the last progress.
     */
    static Guard arm(Closeable socket, Duration timeout) {
        Guard guard = new Guard(socket, timeout.toNanos());
        guard.schedule(timeout.toNanos());
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
        private final long timeoutNanos;
        private volatile long deadline;
        private volatile boolean expired;
        private volatile boolean closed;
        private ScheduledFuture<?> task;

        private Guard(Closeable socket, long timeoutNanos) {
            this.socket = socket;
            this.timeoutNanos = timeoutNanos;
            this.deadline = System.nanoTime() + timeoutNanos;
        }

        /** True when the deadline passed and the socket was (or is being) closed. */
        boolean expired() {
            return expired;
        }

        /**
         * The operation moved on (a blocking write returned): the deadline is {@code timeout} from now. RFC 5321
         * 4.5.3.2.5 times each TCP send of a data block, not the whole message.
         */
        void progress() {
            deadline = System.nanoTime() + timeoutNanos;
        }

        private synchronized void schedule(long delayNanos) {
            if (!closed) {
                task = SCHEDULER.schedule(this::check, delayNanos, TimeUnit.NANOSECONDS);
            }
        }

        private void check() {
            long left = deadline - System.nanoTime();
            if (left > 0) {
                schedule(left);
                return;
            }
            expired = true;
            try {
                socket.close();
            } catch (IOException | RuntimeException e) {
                // The socket is being closed anyway; nothing more to do.
            }
        }

        @Override
        public synchronized void close() {
            closed = true;
            task.cancel(false);
        }
    }
}
