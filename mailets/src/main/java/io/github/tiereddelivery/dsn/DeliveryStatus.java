package io.github.tiereddelivery.dsn;

import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

import javax.mail.internet.MimeUtility;

import org.apache.james.core.MailAddress;

import com.google.common.base.CharMatcher;
import com.google.common.collect.ImmutableList;

/**
 * The content of a message/delivery-status body part (RFC 3464 §2): per-message fields, then one block of fields
 * per recipient, blocks separated by blank lines.
 * <p>
 * Values are written on one logical line: line breaks in them (a multi-line server reply, or a hostile one trying to
 * add fields) become spaces, other control and non-ASCII characters become '?', and long values are folded.
 */
public record DeliveryStatus(PerMessage perMessage, List<PerRecipient> recipients) {
    private static final String CRLF = "\r\n";
    private static final CharMatcher PRINTABLE_ASCII = CharMatcher.inRange(' ', '~');
    // RFC 5322 §2.1.1: no line longer than 998 characters; folding only breaks at spaces.
    private static final Pattern UNFOLDABLE_RUN = Pattern.compile("(\\S{900})(?=\\S)");

    /**
     * RFC 3464 §2.2 fields.
     *
     * @param reportingMta       host name of this server
     * @param originalEnvelopeId the ENVID the sender gave, xtext-decoded
     * @param receivedFromMta    host the message came from
     * @param arrivalDate        when the message arrived
     */
    public record PerMessage(String reportingMta, Optional<String> originalEnvelopeId, Optional<String> receivedFromMta,
                             Optional<ZonedDateTime> arrivalDate) {
        public PerMessage {
            Objects.requireNonNull(reportingMta, "reportingMta");
            Objects.requireNonNull(originalEnvelopeId, "originalEnvelopeId");
            Objects.requireNonNull(receivedFromMta, "receivedFromMta");
            Objects.requireNonNull(arrivalDate, "arrivalDate");
        }
    }

    /**
     * RFC 3464 §2.3 fields.
     *
     * @param originalRecipient the ORCPT address the sender gave, xtext-decoded
     * @param finalRecipient    the recipient address delivery was attempted to
     * @param lastAttemptDate   when delivery was last attempted
     */
    public record PerRecipient(Optional<String> originalRecipient, MailAddress finalRecipient, DsnAction action,
                               RecipientStatus status, ZonedDateTime lastAttemptDate) {
        public PerRecipient {
            Objects.requireNonNull(originalRecipient, "originalRecipient");
            Objects.requireNonNull(finalRecipient, "finalRecipient");
            Objects.requireNonNull(action, "action");
            Objects.requireNonNull(status, "status");
            Objects.requireNonNull(lastAttemptDate, "lastAttemptDate");
        }
    }

    public DeliveryStatus {
        Objects.requireNonNull(perMessage, "perMessage");
        recipients = ImmutableList.copyOf(recipients);
    }

    public String asText(DateTimeFormatter dateFormat) {
        StringBuilder text = new StringBuilder();
        perMessage.originalEnvelopeId().ifPresent(envId -> field(text, "Original-Envelope-Id", envId));
        field(text, "Reporting-MTA", "dns; " + perMessage.reportingMta());
        perMessage.receivedFromMta().ifPresent(host -> field(text, "Received-From-MTA", "dns; " + host));
        perMessage.arrivalDate().ifPresent(date -> field(text, "Arrival-Date", dateFormat.format(date)));
        for (PerRecipient recipient : recipients) {
            text.append(CRLF);
            recipient.originalRecipient().ifPresent(address -> field(text, "Original-Recipient", "rfc822; " + address));
            field(text, "Final-Recipient", "rfc822; " + recipient.finalRecipient().asString());
            field(text, "Action", recipient.action().fieldValue());
            field(text, "Status", recipient.status().status());
            recipient.status().remoteMta().ifPresent(host -> field(text, "Remote-MTA", "dns; " + host));
            if (recipient.action().reportsDiagnostic() && !recipient.status().diagnostic().isBlank()) {
                field(text, "Diagnostic-Code", recipient.status().diagnosticType() + "; " + recipient.status().diagnostic());
            }
            field(text, "Last-Attempt-Date", dateFormat.format(recipient.lastAttemptDate()));
        }
        return text.toString();
    }

    /**
     * {@code value} on one line of printable US-ASCII, with a space at least every 900 characters so that it can be
     * folded: what a header-like field may safely carry.
     */
    public static String oneLine(String value) {
        String unbroken = CharMatcher.whitespace().trimAndCollapseFrom(value, ' ');
        String ascii = PRINTABLE_ASCII.negate().replaceFrom(unbroken, '?');
        return UNFOLDABLE_RUN.matcher(ascii).replaceAll("$1 ");
    }

    private static void field(StringBuilder text, String name, String value) {
        String prefix = name + ": ";
        text.append(prefix).append(MimeUtility.fold(prefix.length(), oneLine(value))).append(CRLF);
    }
}
