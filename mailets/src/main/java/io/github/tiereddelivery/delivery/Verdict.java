package io.github.tiereddelivery.delivery;

/** What one server's answer means for one recipient (SPEC "Delivery behaviour"). */
public enum Verdict {
    /** The server took the message for this recipient (2xx after the end of data). */
    DELIVERED,
    /** 5xx at RCPT, or 5xx at MAIL, DATA or after the data: bounce now. */
    REJECTED,
    /** 4xx at RCPT: try the other servers of the same tier only; deferred when none accepts. */
    RECIPIENT_DEFERRED,
    /** Connection, session, MAIL 4xx or DATA 4xx failure: try the next server, then the next tier. */
    SERVER_FAILED,
    /**
     * Not tried: every session this mailet may hold with the server is in use. The next server, as after a failure;
     * a recipient no other server took waits a moment in the queue, without counting a retry (Postfix keeps such mail
     * in its active queue until the destination's concurrency allows it).
     */
    SERVER_BUSY
}
