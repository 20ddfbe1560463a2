package io.github.tiereddelivery.demo;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Whether every message sent arrived exactly once, by Message-ID: the IDs James accepted against the IDs the
 * receiving servers got (SMTP delivers at least once, RFC 5321 6.1; a duplicate is what a lost reply to the final
 * "." causes).
 *
 * @param sent       how many messages James accepted
 * @param received   how many messages the servers got, duplicates and unexpected ones included
 * @param missing    sent, never received
 * @param duplicated sent, received more than once: how many times
 * @param unexpected received, never sent (e.g. a bounce)
 */
public record DeliveryAudit(int sent, int received, List<String> missing, Map<String, Integer> duplicated,
                            int unexpected) {
    private static final int IDS_SHOWN = 5;

    public DeliveryAudit {
        missing = List.copyOf(missing);
        duplicated = Map.copyOf(duplicated);
    }

    /**
     * @param sentIds     the Message-IDs of the messages James accepted
     * @param receivedIds the Message-ID of every message received, once per arrival
     */
    public static DeliveryAudit of(Collection<String> sentIds, Collection<String> receivedIds) {
        Set<String> sent = new LinkedHashSet<>(sentIds);
        Map<String, Integer> arrivals = new LinkedHashMap<>();
        receivedIds.forEach(id -> arrivals.merge(id, 1, Integer::sum));
        List<String> missing = sent.stream().filter(id -> !arrivals.containsKey(id)).collect(Collectors.toList());
        Map<String, Integer> duplicated = arrivals.entrySet().stream()
            .filter(arrival -> sent.contains(arrival.getKey()) && arrival.getValue() > 1)
            .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
        int unexpected = arrivals.entrySet().stream().filter(arrival -> !sent.contains(arrival.getKey()))
            .mapToInt(Map.Entry::getValue).sum();
        return new DeliveryAudit(sent.size(), receivedIds.size(), missing, duplicated, unexpected);
    }

    /** Every message sent arrived once, and nothing else arrived. */
    public boolean exactlyOnce() {
        return missing.isEmpty() && duplicated.isEmpty() && unexpected == 0;
    }

    /** One sentence, e.g. "Sent 300, received 300: every message arrived exactly once." */
    public String verdict() {
        String counts = "Sent " + sent + ", received " + received + ": ";
        if (exactlyOnce()) {
            return counts + "every message arrived exactly once.";
        }
        return counts + "NOT exactly once: " + missing.size() + " missing" + examples(missing) + ", "
            + duplicated.size() + " received more than once"
            + examples(duplicated.entrySet().stream().map(entry -> entry.getKey() + " x" + entry.getValue())
                .sorted().collect(Collectors.toList()))
            + ", " + unexpected + " received that were not sent.";
    }

    private static String examples(List<String> ids) {
        if (ids.isEmpty()) {
            return "";
        }
        String shown = String.join(", ", ids.subList(0, Math.min(IDS_SHOWN, ids.size())));
        return " (" + shown + (ids.size() > IDS_SHOWN ? ", …" : "") + ")";
    }
}
