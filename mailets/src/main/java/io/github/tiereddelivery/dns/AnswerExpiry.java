package io.github.tiereddelivery.dns;

/**
 * When the first of the DNS answers behind a result expires, collected over its look-ups (an MX answer and the
 * addresses of its exchanges): a result made from them may be kept until then and no longer (RFC 1035 section 3.2.1,
 * TTL). An answer whose lifetime is not known (a CNAME answered partly from dnsjava's cache, an answer without TTL)
 * makes the whole result unkeepable, unless a look-up failed temporarily (SERVFAIL, no answer): then the result is kept
 * {@link #FAILURE_KEPT_NANOS} at most. RFC 2308 section 7 lets a resolver remember a server failure, or a dead server,
 * for up to five minutes, so that a zone whose servers are down is not asked again for every message. Times are on the
 * resolver's clock, {@link DnsResolver#now()}. Not thread-safe: one per result being made.
 */
public final class AnswerExpiry {
    /** How long a result that met a temporary DNS failure may be kept: 30 s (RFC 2308 section 7: at most 5 minutes). */
    static final long FAILURE_KEPT_NANOS = 30_000_000_000L;

    private boolean keepable = true;
    private boolean any;
    private long earliest;
    private boolean failed;
    private long failureExpires;

    void expiresAt(long nanoTime) {
        if (!any || nanoTime - earliest < 0) {
            earliest = nanoTime;
        }
        any = true;
    }

    void unknown() {
        keepable = false;
    }

    /**
     * A look-up failed temporarily at {@code nanoTime}: the result is made again {@link #FAILURE_KEPT_NANOS} later at the
     * latest, even if its other answers had no known lifetime (the point is not to ask the failing servers again for
     * every message).
     */
    void failedAt(long nanoTime) {
        long expires = nanoTime + FAILURE_KEPT_NANOS;
        if (!failed || expires - failureExpires < 0) {
            failureExpires = expires;
        }
        failed = true;
    }

    /** Every answer collected had a known expiry (at least one), or a look-up failed temporarily. */
    public boolean isKeepable() {
        return failed || (keepable && any);
    }

    /** Until when the result may be kept; meaningful only when {@link #isKeepable()}. */
    public long earliest() {
        if (!failed) {
            return earliest;
        }
        return keepable && any && earliest - failureExpires < 0 ? earliest : failureExpires;
    }
}
