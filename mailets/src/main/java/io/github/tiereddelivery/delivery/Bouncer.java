package io.github.tiereddelivery.delivery;

import static org.apache.james.transport.mailets.remote.delivery.Bouncer.DELIVERY_ERROR;
import static org.apache.james.transport.mailets.remote.delivery.Bouncer.DELIVERY_ERROR_CODE;
import static org.apache.james.transport.mailets.remote.delivery.Bouncer.IS_DELIVERY_PERMANENT_ERROR;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import java.util.Optional;

import org.apache.james.core.MailAddress;
import org.apache.james.lifecycle.api.LifecycleUtil;
import org.apache.james.server.core.MailImpl;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.apache.mailet.MailetContext;
import org.apache.mailet.ProcessingState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.github.tiereddelivery.dsn.RecipientStatus;
import io.github.tiereddelivery.dsn.RecipientStatuses;

/**
 * Hands failed recipients to the bounce processor (or James' own bounce when none is configured), as stock
 * RemoteDelivery does, with a status per recipient for RFC 3464 DSNs.
 */
public class Bouncer {
    private static final Logger LOGGER = LoggerFactory.getLogger(Bouncer.class);

    private final Optional<ProcessingState> bounceProcessor;
    private final MailetContext mailetContext;

    public Bouncer(Optional<ProcessingState> bounceProcessor, MailetContext mailetContext) {
        this.bounceProcessor = bounceProcessor;
        this.mailetContext = mailetContext;
    }

    /**
     * @param permanent false when the recipients are bounced because maxRetries is reached
     * @return false when the bounce could not be handed to James (e.g. while James stops): the caller keeps the
     *         recipients in the queue, so that they are bounced (or delivered) at the next attempt, never dropped
     */
    public boolean bounce(Mail mail, Map<MailAddress, RecipientStatus> failures, boolean permanent) {
        if (failures.isEmpty()) {
            return true;
        }
        if (!mail.hasSender()) {
            // RFC 5321 section 4.5.5: no notification is ever sent for mail with the null reverse-path.
            LOGGER.info("Mail {} has the null sender: no bounce for {}", mail.getName(), failures);
            return true;
        }
        Mail bounce = null;
        try {
            bounce = bounceOf(mail, failures, permanent);
            send(bounce, failures);
            return true;
        } catch (Exception e) {
            LOGGER.error("Mail {}: could not hand the bounce for {} to {}; they stay in the queue for the next attempt",
                mail.getName(), failures.keySet(), bounceProcessor.map(ProcessingState::getValue).orElse("James' bounce"), e);
            return false;
        } finally {
            LifecycleUtil.dispose(bounce);
        }
    }

    /** A copy of the mail for the failed recipients, with stock's attributes and our per-recipient statuses. */
    private static Mail bounceOf(Mail mail, Map<MailAddress, RecipientStatus> failures, boolean permanent) throws Exception {
        Mail bounce = MailImpl.duplicate(mail);
        // duplicate() appends to the name; James refuses names grown past 7 appends as a loop.
        bounce.setName(mail.getName());
        bounce.setRecipients(failures.keySet());
        RecipientStatus first = failures.values().iterator().next();
        bounce.setAttribute(new Attribute(DELIVERY_ERROR, AttributeValue.of(first.diagnostic())));
        smtpCode(first).ifPresent(code -> bounce.setAttribute(new Attribute(DELIVERY_ERROR_CODE, AttributeValue.of(code))));
        bounce.setAttribute(new Attribute(IS_DELIVERY_PERMANENT_ERROR, AttributeValue.of(permanent)));
        bounce.setAttribute(RecipientStatuses.asAttribute(failures));
        return bounce;
    }

    private void send(Mail bounce, Map<MailAddress, RecipientStatus> failures) throws Exception {
        if (bounceProcessor.isPresent()) {
            mailetContext.sendMail(bounce, bounceProcessor.get().getValue());
        } else {
            mailetContext.bounce(bounce, explanation(failures));
        }
    }

    private static Optional<Integer> smtpCode(RecipientStatus status) {
        if (!"smtp".equalsIgnoreCase(status.diagnosticType()) || status.diagnostic().length() < 3) {
            return Optional.empty();
        }
        try {
            return Optional.of(Integer.parseInt(status.diagnostic().substring(0, 3)));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static String explanation(Map<MailAddress, RecipientStatus> failures) {
        StringWriter text = new StringWriter();
        PrintWriter out = new PrintWriter(text);
        out.println("I'm afraid I wasn't able to deliver your message to the following addresses.");
        out.println("This is a permanent error; I've given up. Sorry it didn't work out.");
        out.println();
        failures.forEach((recipient, status) -> out.println(recipient.asString() + ": " + status.status() + " " + status.diagnostic()));
        out.flush();
        return text.toString();
    }
}
