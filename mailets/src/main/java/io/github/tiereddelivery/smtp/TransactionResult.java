package io.github.tiereddelivery.smtp;

import static java.util.Objects.requireNonNull;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The replies of one mail transaction, stage by stage. Stages after a failure have no reply.
 *
 * @param mailReply         the reply to MAIL FROM
 * @param recipientReplies  address to reply to its RCPT TO, in envelope order; empty when MAIL FROM was rejected. When
 *                          the server answered 421 (closing) the recipients it did not answer get that 421.
 * @param dataReply         the reply to the DATA command; empty when MAIL FROM was rejected, or when DATA was not sent
 *                          (no recipient accepted without PIPELINING; the message went in BDAT chunks)
 * @param messageReply      the reply after the final "." (with BDAT: to the first refused chunk, else to the LAST
 *                          one); empty when the message was not sent or no recipient was accepted
 */
public record TransactionResult(SmtpReply mailReply, Map<String, SmtpReply> recipientReplies,
                                Optional<SmtpReply> dataReply, Optional<SmtpReply> messageReply) {

    public TransactionResult {
        requireNonNull(mailReply, "mailReply");
        recipientReplies = Collections.unmodifiableMap(new LinkedHashMap<>(recipientReplies));
        requireNonNull(dataReply, "dataReply");
        requireNonNull(messageReply, "messageReply");
    }

    /** Recipients whose RCPT TO got a 2xx, in envelope order. */
    public List<String> acceptedRecipients() {
        return recipientReplies.entrySet().stream()
            .filter(entry -> entry.getValue().isPositive())
            .map(Map.Entry::getKey)
            .toList();
    }

    /** True when the server accepted the message (2xx after the final ".") for the accepted recipients. */
    public boolean messageAccepted() {
        return messageReply.map(SmtpReply::isPositive).orElse(false);
    }
}
