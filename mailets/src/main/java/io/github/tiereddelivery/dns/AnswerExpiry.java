package io.github.tiereddelivery.dns;

/**
 * When the first of the DNS answers behind a result expires, collected over its look-ups (an MX answer and the
 * addresses of its exchanges): a result made from them may be kept until then and no longer (RFC 1035 section 3.2.1,
 * TTL). An answer whose lifetime is not known (a temporary failure, a CNAME answered partly from dnsjava's cache, an
 * answer without TTL) makes the whole result unkeepable. Times are on the resolver's clock, {@link DnsResolver#now()}.
 * Not thread-safe: one per result being made.
 */
public final class AnswerExpiry {
    private boolean keepable = true;
    private boolean any;
    private long earliest;

    void expiresAt(long nanoTime) {
        if (!any || nanoTime - earliest < 0) {
            earliest = nanoTime;
        }
        any = true;
    }

    void unknown() {
        keepable = false;
    }

    /** At least one answer was collected and every one had a known expiry. */
    public boolean isKeepable() {
        return keepable && any;
    }

    /** The expiry of the first answer to expire; meaningful only when {@link #isKeepable()}. */
    public long earliest() {
        return earliest;
    }
}
