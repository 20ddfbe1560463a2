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

    /** Temporary failure: the recipient stays queued for a retry, or is bounced with this status after maxRetries. */
    record Deferred(RecipientStatus status) implements Outcome {
    }
}
