package io.github.tiereddelivery.delivery;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.apache.james.core.MailAddress;

import io.github.tiereddelivery.dsn.RecipientStatus;

/** The outcome of one delivery attempt of a queued mail, recipient by recipient. */
public record DeliveryReport(Map<MailAddress, Outcome> outcomes) {
    public DeliveryReport {
        outcomes = Collections.unmodifiableMap(new LinkedHashMap<>(outcomes));
    }

    public List<MailAddress> delivered() {
        return recipients(Outcome.Delivered.class);
    }

    public Map<MailAddress, RecipientStatus> bounced() {
        return statuses(Outcome.Bounced.class);
    }

    public Map<MailAddress, RecipientStatus> deferred() {
        return statuses(Outcome.Deferred.class);
    }

    /**
     * Whether the deferred recipients only wait for a server that was busy: each of them met one that had every
     * session in use (had it been free, it might have taken them).
     */
    public boolean deferredOnlyForBusyServers() {
        List<Outcome.Deferred> deferred = outcomes.values().stream()
            .filter(Outcome.Deferred.class::isInstance)
            .map(Outcome.Deferred.class::cast)
            .collect(Collectors.toList());
        return !deferred.isEmpty() && deferred.stream().allMatch(Outcome.Deferred::busyServerMet);
    }

    private List<MailAddress> recipients(Class<? extends Outcome> kind) {
        return outcomes.entrySet().stream()
            .filter(entry -> kind.isInstance(entry.getValue()))
            .map(Map.Entry::getKey)
            .collect(Collectors.toList());
    }

    private Map<MailAddress, RecipientStatus> statuses(Class<? extends Outcome> kind) {
        Map<MailAddress, RecipientStatus> result = new LinkedHashMap<>();
        outcomes.forEach((recipient, outcome) -> {
            if (kind.isInstance(outcome)) {
                result.put(recipient, outcome.status());
            }
        });
        return result;
    }
}
