package io.github.tiereddelivery.dsn;

import static org.apache.james.transport.mailets.remote.delivery.Bouncer.DELIVERY_ERROR;
import static org.apache.james.transport.mailets.remote.delivery.Bouncer.IS_DELIVERY_PERMANENT_ERROR;

import java.util.Map;
import java.util.Optional;

import org.apache.james.core.MailAddress;
import org.apache.mailet.AttributeUtils;
import org.apache.mailet.Mail;

/**
 * Finds the status to report for each recipient of a mail to bounce, best source first:
 * <ol>
 * <li>the recipient's entry in {@link RecipientStatuses} (written by TieredRemoteDelivery);</li>
 * <li>the stock {@code delivery-error} attribute (written by stock RemoteDelivery and by TieredRemoteDelivery):
 * when it is an SMTP reply, its status and the reply as an smtp diagnostic, else its text with the default status;</li>
 * <li>the mail's error message with the default status.</li>
 * </ol>
 * The default status is the configured one, else "X.0.0" of the report's action; a failure the delivery mailet
 * marked temporary ({@code is-delivery-permanent-error} false, e.g. retries exhausted) gets "4.0.0".
 */
public final class RecipientStatusResolver {
    private final Map<MailAddress, RecipientStatus> reported;
    private final RecipientStatus mailWide;

    private RecipientStatusResolver(Map<MailAddress, RecipientStatus> reported, RecipientStatus mailWide) {
        this.reported = reported;
        this.mailWide = mailWide;
    }

    /**
     * @param configuredDefaultStatus the status to use when a source gives none, if configured (RFC 3463 syntax)
     */
    public static RecipientStatusResolver forMail(Mail mail, DsnAction action, Optional<String> configuredDefaultStatus) {
        String defaultStatus = configuredDefaultStatus.orElseGet(() -> defaultStatus(mail, action));
        Optional<String> deliveryError = AttributeUtils.getValueAndCastFromMail(mail, DELIVERY_ERROR, String.class)
            .filter(error -> !error.isBlank());
        RecipientStatus mailWide = deliveryError
            .map(error -> RecipientStatus.parseSmtpReply(error)
                .orElseGet(() -> RecipientStatus.of(defaultStatus, error)))
            .orElseGet(() -> RecipientStatus.of(defaultStatus, Optional.ofNullable(mail.getErrorMessage()).orElse("")));
        return new RecipientStatusResolver(RecipientStatuses.read(mail), mailWide);
    }

    public RecipientStatus statusOf(MailAddress recipient) {
        return reported.getOrDefault(recipient, mailWide);
    }

    private static String defaultStatus(Mail mail, DsnAction action) {
        boolean temporaryFailure = action == DsnAction.FAILED
            && AttributeUtils.getValueAndCastFromMail(mail, IS_DELIVERY_PERMANENT_ERROR, Boolean.class)
                .map(permanent -> !permanent)
                .orElse(false);
        return temporaryFailure ? DsnAction.DELAYED.unspecifiedStatus() : action.unspecifiedStatus();
    }
}
