package io.github.tiereddelivery.delivery;

import io.github.tiereddelivery.dsn.RecipientStatus;

/** The outcome of turning a target into servers. */
public sealed interface Resolution {

    record Planned(RoutePlan plan) implements Resolution {
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
        DEFER
    }
}
