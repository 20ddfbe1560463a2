package io.github.tiereddelivery.delivery;

import java.util.List;

import io.github.tiereddelivery.dsn.RecipientStatus;

/** The outcome of turning a target into servers. */
public sealed interface Resolution {

    /**
     * Servers to try.
     *
     * @param unresolved names of the target that gave no server, and why (e.g. {@code mail2.acme.test: no such host}),
     *                   for WebAdmin's dry run; the delivery goes on with the servers found
     */
    record Planned(RoutePlan plan, List<String> unresolved) implements Resolution {
        public Planned {
            unresolved = List.copyOf(unresolved);
        }

        public Planned(RoutePlan plan) {
            this(plan, List.of());
        }
    }

    /** No server to try. What to do with the recipients depends on why (SPEC "Delivery behaviour"). */
    record Unresolvable(RecipientStatus status, Consequence consequence) implements Resolution {
    }

    enum Consequence {
        /** Null MX (RFC 7505). */
        BOUNCE_NOW,
        /** The names do not exist or have no address: bounced once the mail was retried maxDnsProblemRetries times. */
        BOUNCE_AFTER_DNS_RETRIES,
        /** SERVFAIL, timeout: never a reason to bounce before maxRetries. */
        DEFER,
        /** Another message is making the plan and it takes long (slow DNS): waits in the queue a moment, uncounted. */
        WAIT
    }
}
