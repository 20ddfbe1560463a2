package io.github.tiereddelivery.delivery;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.james.core.MailAddress;

/**
 * One attempt: one SMTP session with one server for some recipients, what it meant for each recipient and for the
 * server itself (what the health memory records).
 */
public record AttemptResult(Server server, Map<MailAddress, RecipientResult> results, ServerCondition condition) {

    public enum ServerCondition {
        /**
         * The server held a session with us, whatever it answered to the mail, and also when it did not meet the
         * session's own requirements (TLS a route requires, a certificate naming the route's host, AUTH credentials).
         */
        RESPONDED,
        /** The connection or the session failed: refused, silent, timed out, lost, 421, a broken TLS handshake. */
        FAILED,
        /** The server was not really tried: the failure was ours (reading the message) or the route loops back. */
        NOT_ASSESSED
    }

    public AttemptResult {
        results = Collections.unmodifiableMap(new LinkedHashMap<>(results));
    }

    /** Every recipient got the same result. */
    public static AttemptResult same(Server server, List<MailAddress> recipients, RecipientResult result, ServerCondition condition) {
        Map<MailAddress, RecipientResult> results = new LinkedHashMap<>();
        recipients.forEach(recipient -> results.put(recipient, result));
        return new AttemptResult(server, results, condition);
    }

    /** Why the server failed, as the recipients' status tells it. */
    public String failure() {
        return results.values().stream().findFirst().map(result -> result.status().diagnostic()).orElse("");
    }
}
