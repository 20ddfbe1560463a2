package io.github.tiereddelivery.delivery;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.james.core.MailAddress;

import io.github.tiereddelivery.smtp.Stage;

/**
 * One attempt: one SMTP session with one server for some recipients. {@code sessionFailure} is the stage where the
 * session itself failed (connection, greeting, EHLO, TLS, AUTH), empty when a mail transaction took place.
 */
public record AttemptResult(Server server, Map<MailAddress, RecipientResult> results, Optional<Stage> sessionFailure) {
    public AttemptResult {
        results = Collections.unmodifiableMap(new LinkedHashMap<>(results));
    }

    /** Every recipient got the same result and no session failure was seen. */
    public static AttemptResult same(Server server, List<MailAddress> recipients, RecipientResult result) {
        Map<MailAddress, RecipientResult> results = new LinkedHashMap<>();
        recipients.forEach(recipient -> results.put(recipient, result));
        return new AttemptResult(server, results, Optional.empty());
    }
}
