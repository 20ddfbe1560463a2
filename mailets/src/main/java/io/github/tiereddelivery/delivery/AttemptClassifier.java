package io.github.tiereddelivery.delivery;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.james.core.MailAddress;

import io.github.tiereddelivery.dsn.RecipientStatus;
import io.github.tiereddelivery.smtp.SmtpReply;
import io.github.tiereddelivery.smtp.SmtpSessionException;
import io.github.tiereddelivery.smtp.TransactionResult;

/**
 * The error classification table of SPEC "Delivery behaviour": from what a server did to a verdict per recipient.
 * Status codes follow RFC 3463 and what Postfix reports for the same events.
 */
final class AttemptClassifier {

    private AttemptClassifier() {
    }

    /**
     * The session failed before or during a transaction. Before MAIL it is the server's fault (next server); a 5xx
     * greeting, EHLO or AUTH reply is treated as 4xx, like Postfix's {@code smtp_skip_5xx_greeting}: another server
     * may well accept the mail.
     */
    static Map<MailAddress, RecipientResult> classify(SmtpSessionException failure, List<MailAddress> recipients, Server server) {
        RecipientStatus status = failure.reply()
            .map(reply -> new RecipientStatus(transientStatus(reply), "smtp", reply.asString(), Optional.of(server.hostname())))
            .orElseGet(() -> RecipientStatus.of(ioStatus(failure), failure.getMessage()));
        return all(recipients, new RecipientResult(Verdict.SERVER_FAILED, status));
    }

    static Map<MailAddress, RecipientResult> classify(TransactionResult transaction, List<MailAddress> recipients, Server server) {
        SmtpReply mailReply = transaction.mailReply();
        if (!mailReply.isPositive()) {
            // 5xx at MAIL FROM rejects the sender for this message (Postfix bounces); 4xx is the server's problem.
            Verdict verdict = mailReply.isPermanent() ? Verdict.REJECTED : Verdict.SERVER_FAILED;
            return all(recipients, new RecipientResult(verdict, status(mailReply, server)));
        }
        Map<MailAddress, RecipientResult> results = new LinkedHashMap<>();
        List<String> accepted = transaction.acceptedRecipients();
        for (MailAddress recipient : recipients) {
            SmtpReply reply = transaction.recipientReplies().get(recipient.asString());
            if (reply == null || reply.isPositive()) {
                continue;
            }
            // RFC 5321 4.5.3.1.10: a 552 for "too many recipients" is to be taken as temporary. RFC 5321 3.8: a 421 is the
            // server closing the session, not a verdict on the recipient: the next server, of any tier, may take it.
            Verdict verdict = reply.code() == 421 ? Verdict.SERVER_FAILED
                : reply.isPermanent() && !reply.refusesForTooManyRecipients() ? Verdict.REJECTED : Verdict.RECIPIENT_DEFERRED;
            results.put(recipient, new RecipientResult(verdict, status(reply, server)));
        }
        if (accepted.isEmpty()) {
            return results;
        }
        RecipientResult acceptedResult = messageResult(transaction, server);
        recipients.stream()
            .filter(recipient -> accepted.contains(recipient.asString()))
            .forEach(recipient -> results.put(recipient, acceptedResult));
        return results;
    }

    /** What happened to the recipients the server accepted: the DATA command's reply, then the end-of-data reply. */
    private static RecipientResult messageResult(TransactionResult transaction, Server server) {
        Optional<SmtpReply> dataReply = transaction.dataReply();
        if (dataReply.isPresent() && dataReply.get().isPositive() && dataReply.get().code() != 354) {
            // A success to DATA (RFC 5321 4.3.2 allows only 354 there) is a protocol error, not a delivery.
            return new RecipientResult(Verdict.SERVER_FAILED, new RecipientStatus("4.5.0", RecipientStatus.SMTP,
                dataReply.get().asString() + " (protocol error: the reply to DATA must be 354)", Optional.of(server.hostname())));
        }
        if (dataReply.isPresent() && dataReply.get().code() != 354) {
            return failure(dataReply.get(), server);
        }
        Optional<SmtpReply> messageReply = transaction.messageReply();
        if (messageReply.isEmpty()) {
            return new RecipientResult(Verdict.SERVER_FAILED, RecipientStatus.of("4.4.2",
                server.describe() + ": no reply to the message data"));
        }
        if (messageReply.get().isPositive()) {
            return new RecipientResult(Verdict.DELIVERED, status(messageReply.get(), server));
        }
        return failure(messageReply.get(), server);
    }

    private static RecipientResult failure(SmtpReply reply, Server server) {
        return new RecipientResult(reply.isPermanent() ? Verdict.REJECTED : Verdict.SERVER_FAILED, status(reply, server));
    }

    private static RecipientStatus status(SmtpReply reply, Server server) {
        return RecipientStatus.fromSmtpReply(reply.code(), reply.enhancedStatus(), reply.asString(), Optional.of(server.hostname()));
    }

    private static String transientStatus(SmtpReply reply) {
        String status = reply.enhancedStatus()
            .filter(enhanced -> enhanced.charAt(0) == Character.forDigit(reply.code() / 100, 10))
            .orElse(reply.code() / 100 + ".0.0");
        return "4" + status.substring(1);
    }

    /** RFC 3463 codes for failures without a server reply, as Postfix reports them. */
    private static String ioStatus(SmtpSessionException failure) {
        switch (failure.stage()) {
            case CONNECT:
                return "4.4.1";
            case STARTTLS:
                return "4.7.5";
            default:
                return "4.4.2";
        }
    }

    private static Map<MailAddress, RecipientResult> all(List<MailAddress> recipients, RecipientResult result) {
        Map<MailAddress, RecipientResult> results = new LinkedHashMap<>();
        recipients.forEach(recipient -> results.put(recipient, result));
        return results;
    }
}
