package io.github.tiereddelivery.delivery;

import io.github.tiereddelivery.dsn.RecipientStatus;

/** Where one recipient stands after a delivery attempt of its mail. */
public sealed interface Outcome {

    RecipientStatus status();

    record Delivered(Server server, RecipientStatus status) implements Outcome {
    }

    /** Permanent failure: a bounce now. */
    record Bounced(RecipientStatus status) implements Outcome {
    }

    /**
     * Temporary failure: the recipient stays queued for a retry, or is bounced with this status after maxRetries.
     *
     * @param busyServerMet whether a server that could take the recipient was only busy ({@link Verdict#SERVER_BUSY}),
     *                      or the route's plan was being made for another message: it is worth another try in a moment
     *                      rather than after the next {@code delayTime}
     */
    record Deferred(RecipientStatus status, boolean busyServerMet) implements Outcome {
        public Deferred(RecipientStatus status) {
            this(status, false);
        }
    }
}
