package io.github.tiereddelivery.delivery;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

import javax.mail.MessagingException;

import org.apache.james.core.MailAddress;
import org.apache.mailet.DsnParameters;
import org.apache.mailet.Mail;

import io.github.tiereddelivery.smtp.EhloCapabilities;
import io.github.tiereddelivery.smtp.Envelope;
import io.github.tiereddelivery.smtp.EnvelopeRecipient;

/** The SMTP envelope of a mail for one server: reverse path, recipients and the ESMTP parameters the server supports. */
final class Envelopes {

    private Envelopes() {
    }

    static Envelope of(Mail mail, List<MailAddress> recipients, EhloCapabilities capabilities) throws MessagingException {
        Optional<DsnParameters> dsn = mail.dsnParameters().filter(any -> capabilities.supports("DSN"));
        List<String> mailParameters = new ArrayList<>();
        if (capabilities.supports("8BITMIME")) {
            mailParameters.add("BODY=8BITMIME");
        }
        if (capabilities.supports("SIZE")) {
            // RFC 1870: lets the server refuse an oversized message before the data is sent.
            mailParameters.add("SIZE=" + mail.getMessageSize());
        }
        dsn.flatMap(DsnParameters::getRetParameter).ifPresent(ret -> mailParameters.add("RET=" + ret.name()));
        dsn.flatMap(DsnParameters::getEnvIdParameter).ifPresent(envId -> mailParameters.add("ENVID=" + asXtext(envId.asString())));
        List<EnvelopeRecipient> envelopeRecipients = recipients.stream()
            .map(recipient -> new EnvelopeRecipient(recipient.asString(), recipientParameters(dsn, recipient)))
            .collect(Collectors.toList());
        String reversePath = mail.getMaybeSender().asOptional().map(MailAddress::asString).orElse("");
        return new Envelope(reversePath, mailParameters, envelopeRecipients);
    }

    /** RFC 3461 NOTIFY and ORCPT, relayed as received (section 4.2: ORCPT "MUST be passed unchanged"). */
    private static List<String> recipientParameters(Optional<DsnParameters> dsn, MailAddress recipient) {
        Optional<DsnParameters.RecipientDsnParameters> parameters = dsn.map(DsnParameters::getRcptParameters)
            .map(byRecipient -> byRecipient.get(recipient));
        List<String> result = new ArrayList<>();
        parameters.flatMap(DsnParameters.RecipientDsnParameters::getNotifyParameter)
            .ifPresent(notify -> result.add("NOTIFY=" + notify(notify)));
        parameters.flatMap(DsnParameters.RecipientDsnParameters::getOrcptParameter)
            .ifPresent(orcpt -> result.add("ORCPT=rfc822;" + asXtext(orcpt.asString())));
        return result;
    }

    private static String notify(EnumSet<DsnParameters.Notify> notify) {
        return notify.stream().map(value -> value.name().toUpperCase(Locale.ROOT)).collect(Collectors.joining(","));
    }

    /**
     * James keeps ENVID and ORCPT as the client wrote them, in RFC 3461's xtext ("+2B" for "+"): relayed as they are, and
     * encoded only if they are not xtext (never twice).
     */
    static String asXtext(String value) {
        return DsnParameters.XText.isValid(value) ? value : DsnParameters.XText.encode(value);
    }
}
