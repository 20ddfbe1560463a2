package io.github.tiereddelivery.dsn;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import javax.mail.internet.AddressException;

import org.apache.james.core.MailAddress;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeName;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.google.common.collect.ImmutableMap;

/**
 * The mail attribute {@value #NAME} through which the delivery engine tells the bounce mailet each failed
 * recipient's status. It holds a map from recipient address to a map of strings, so that it survives James' mail
 * queue serialisation (JSON of {@link AttributeValue}).
 */
public final class RecipientStatuses {
    public static final String NAME = "tiered-delivery.recipient-status";
    public static final AttributeName ATTRIBUTE_NAME = AttributeName.of(NAME);

    private static final Logger LOGGER = LoggerFactory.getLogger(RecipientStatuses.class);
    private static final String STATUS = "status";
    private static final String DIAGNOSTIC_TYPE = "diagnostic-type";
    private static final String DIAGNOSTIC = "diagnostic";
    private static final String REMOTE_MTA = "remote-mta";

    private RecipientStatuses() {
    }

    /** The attribute to set on a mail so that its bounce reports these statuses; recipients are keyed by address. */
    public static Attribute asAttribute(Map<MailAddress, RecipientStatus> statuses) {
        Map<String, AttributeValue<?>> byRecipient = new LinkedHashMap<>();
        statuses.forEach((recipient, status) -> byRecipient.put(recipient.asString(), AttributeValue.of(fields(status))));
        return new Attribute(ATTRIBUTE_NAME, AttributeValue.of(ImmutableMap.copyOf(byRecipient)));
    }

    /**
     * The statuses the mail carries, in the order they were written. An absent attribute gives an empty map; entries
     * that cannot be read (not written by {@link #asAttribute}) are left out and logged, never thrown.
     */
    public static Map<MailAddress, RecipientStatus> read(Mail mail) {
        Optional<?> value = mail.getAttribute(ATTRIBUTE_NAME).map(attribute -> attribute.getValue().value());
        if (value.isEmpty()) {
            return ImmutableMap.of();
        }
        if (!(value.get() instanceof Map<?, ?> byRecipient)) {
            LOGGER.warn("Ignoring mail attribute {} of mail {}: expected a map of recipients, got {}", NAME, mail.getName(), value.get());
            return ImmutableMap.of();
        }
        Map<MailAddress, RecipientStatus> statuses = new LinkedHashMap<>();
        byRecipient.forEach((recipient, status) -> {
            try {
                statuses.put(new MailAddress(String.valueOf(recipient)), toStatus(status));
            } catch (AddressException | IllegalArgumentException e) {
                LOGGER.warn("Ignoring the status of {} in mail attribute {} of mail {}: {}", recipient, NAME, mail.getName(), e.getMessage());
            }
        });
        return ImmutableMap.copyOf(statuses);
    }

    private static Map<String, AttributeValue<?>> fields(RecipientStatus status) {
        ImmutableMap.Builder<String, AttributeValue<?>> fields = ImmutableMap.<String, AttributeValue<?>>builder()
            .put(STATUS, AttributeValue.of(status.status()))
            .put(DIAGNOSTIC_TYPE, AttributeValue.of(status.diagnosticType()))
            .put(DIAGNOSTIC, AttributeValue.of(status.diagnostic()));
        status.remoteMta().ifPresent(host -> fields.put(REMOTE_MTA, AttributeValue.of(host)));
        return fields.build();
    }

    private static RecipientStatus toStatus(Object value) {
        if (!(value instanceof AttributeValue<?> attributeValue) || !(attributeValue.value() instanceof Map<?, ?> fields)) {
            throw new IllegalArgumentException("expected a map of status fields, got " + value);
        }
        return new RecipientStatus(
            string(fields, STATUS).orElseThrow(() -> new IllegalArgumentException("no " + STATUS)),
            string(fields, DIAGNOSTIC_TYPE).orElseThrow(() -> new IllegalArgumentException("no " + DIAGNOSTIC_TYPE)),
            string(fields, DIAGNOSTIC).orElse(""),
            string(fields, REMOTE_MTA));
    }

    private static Optional<String> string(Map<?, ?> fields, String key) {
        return Optional.ofNullable(fields.get(key))
            .filter(AttributeValue.class::isInstance)
            .map(AttributeValue.class::cast)
            .map(AttributeValue::value)
            .filter(String.class::isInstance)
            .map(String.class::cast);
    }
}
