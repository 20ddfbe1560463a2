package io.github.tiereddelivery.mailets;

import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Collections;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;

import javax.activation.DataHandler;
import javax.inject.Inject;
import javax.mail.Message;
import javax.mail.MessagingException;
import javax.mail.Session;
import javax.mail.internet.AddressException;
import javax.mail.internet.InternetAddress;
import javax.mail.internet.MimeBodyPart;
import javax.mail.internet.MimeMessage;
import javax.mail.util.ByteArrayDataSource;

import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.apache.james.dnsservice.api.DNSService;
import org.apache.james.javax.MimeMultipartReport;
import org.apache.james.lifecycle.api.LifecycleUtil;
import org.apache.james.server.core.MailImpl;
import org.apache.mailet.AttributeName;
import org.apache.mailet.AttributeUtils;
import org.apache.mailet.DsnParameters;
import org.apache.mailet.DsnParameters.RecipientDsnParameters;
import org.apache.mailet.DsnParameters.XText;
import org.apache.mailet.Mail;
import org.apache.mailet.base.DateFormats;
import org.apache.mailet.base.GenericMailet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.google.common.base.CharMatcher;
import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSet;

import io.github.tiereddelivery.dsn.DeliveryStatus;
import io.github.tiereddelivery.dsn.DsnAction;
import io.github.tiereddelivery.dsn.RecipientStatus;
import io.github.tiereddelivery.dsn.RecipientStatusResolver;

/**
 * Sends the sender of a mail an RFC 3464 delivery status notification (multipart/report; report-type=delivery-status)
 * with each recipient's own status, as found by {@link RecipientStatusResolver}: the per-recipient statuses
 * TieredRemoteDelivery writes, else stock RemoteDelivery's {@code delivery-error}.
 * <p>
 * A drop-in for James' {@code DSNBounce} in a bounce processor, with the same parameters and defaults:
 * <pre>{@code
 * <mailet match="All" class="io.github.tiereddelivery.mailets.TieredDSNBounce">
 *   <sender>postmaster | sender | unaltered | an address; default postmaster</sender>
 *   <prefix>subject prefix; default "Undelivered Mail Returned to Sender:" (per action)</prefix>
 *   <attachment>message | heads | none; default message</attachment>
 *   <maxReturnedSize>bytes of a message returned whole; a larger one is returned as its headers; default 50000</maxReturnedSize>
 *   <messageString>the explanation; [machine] is replaced by this server's host name</messageString>
 *   <passThrough>true | false; default true</passThrough>
 *   <debug>true | false; default false</debug>
 *   <action>failed | delayed | delivered | expanded | relayed; default failed</action>
 *   <defaultStatus>status when none is known, e.g. 5.0.0; default unknown = X.0.0 of the action</defaultStatus>
 * </mailet>
 * }</pre>
 * RFC 3461 is honoured: recipients whose NOTIFY does not ask for this action's report are left out of it (no report
 * at all if none is left), RET=HDRS returns only the headers and RET=FULL the whole message (unless attachment is
 * none), ENVID and ORCPT are reported. Mail with a null reverse-path gets no report. A message larger than
 * {@code maxReturnedSize} (not a DSNBounce parameter; Postfix's {@code bounce_size_limit}, same default) is returned as
 * its headers only: the sender of a 20 MB message that could not be delivered does not get 20 MB back.
 */
public class TieredDSNBounce extends GenericMailet {
    private static final Logger LOGGER = LoggerFactory.getLogger(TieredDSNBounce.class);

    private static final Set<String> PARAMETERS = ImmutableSet.of(
        "debug", "passThrough", "messageString", "attachment", "maxReturnedSize", "sender", "prefix", "action", "defaultStatus");
    /** Postfix's bounce_size_limit default. */
    private static final long DEFAULT_MAX_RETURNED_SIZE = 50_000;
    private static final AttributeName ARRIVAL_DATE = AttributeName.of("dsn-arrival-date");
    private static final String UNKNOWN_STATUS = "unknown";
    private static final String MACHINE = "[machine]";
    private static final String LOCALHOST_ADDRESS = "127.0.0.1";
    private static final CharMatcher BREAKS_AND_CONTROLS = CharMatcher.whitespace().or(CharMatcher.javaIsoControl());

    private enum Attachment {
        MESSAGE, HEADS, NONE
    }

    private final DNSService dns;

    private boolean debug;
    private boolean passThrough;
    private DsnAction action;
    private Optional<String> defaultStatus;
    private Attachment attachment;
    private long maxReturnedSize;
    /** The From of the report; empty: the original sender ("sender" or "unaltered"). */
    /** Empty for "sender"/"unaltered": the bounce is From the original sender. */
    private Optional<InternetAddress> from;
    /** The postmaster is only known once James' mailet context is configured, after the mailets are initialised. */
    private boolean fromPostmaster;
    private String subjectPrefix;
    private String hostName;
    private String hostAddress;
    private String explanation;

    @Inject
    public TieredDSNBounce(DNSService dns) {
        this.dns = dns;
    }

    @Override
    public void init() throws MessagingException {
        checkInitParameters(PARAMETERS);
        debug = getInitParameter("debug", false);
        passThrough = getInitParameter("passThrough", true);
        action = getInitParameterAsOptional("action")
            .map(value -> DsnAction.parse(value).orElseThrow(() -> new IllegalArgumentException(
                "TieredDSNBounce action '" + value + "' is not supported: use failed, delayed, delivered, expanded or relayed")))
            .orElse(DsnAction.FAILED);
        defaultStatus = parseDefaultStatus(getInitParameter("defaultStatus", UNKNOWN_STATUS));
        attachment = parseAttachment(getInitParameter("attachment", "message"));
        maxReturnedSize = parseMaxReturnedSize(getInitParameter("maxReturnedSize", String.valueOf(DEFAULT_MAX_RETURNED_SIZE)));
        from = parseSender(getInitParameter("sender", "postmaster"));
        subjectPrefix = getInitParameterAsOptional("prefix").orElse(action.subject() + ":");
        hostName = localHostName();
        hostAddress = localHostAddress();
        explanation = getInitParameterAsOptional("messageString")
            .orElse("This is the mail system at host " + MACHINE + ".\n\n" + action.explanation() + "\n")
            .replace(MACHINE, hostName);
    }

    @Override
    public String getMailetInfo() {
        return "TieredDSNBounce: RFC 3464 delivery status notifications with per-recipient status";
    }

    @Override
    public void service(Mail mail) throws MessagingException {
        if (mail.hasSender()) {
            sendReport(mail);
        } else {
            logDecision("No delivery status notification for mail {}: its reverse-path is null", mail.getName());
        }
        if (!passThrough) {
            mail.setState(Mail.GHOST);
        }
    }

    private void sendReport(Mail mail) throws MessagingException {
        Optional<DsnParameters> dsnParameters = mail.dsnParameters();
        List<MailAddress> reported = mail.getRecipients().stream()
            .filter(recipient -> asksForReport(dsnParameters, recipient))
            .collect(ImmutableList.toImmutableList());
        if (reported.isEmpty()) {
            logDecision("No delivery status notification for mail {}: no recipient asked for one (RFC 3461 NOTIFY)", mail.getName());
            return;
        }
        MailAddress sender = mail.getMaybeSender().get();
        MailImpl report = MailImpl.builder()
            .name(MailImpl.getId())
            .sender(MaybeSender.nullSender())
            .addRecipient(sender)
            .mimeMessage(reportMessage(mail, dsnParameters, reported))
            .remoteHost(hostName)
            .remoteAddr(hostAddress)
            .build();
        try {
            getMailetContext().sendMail(report);
            logDecision("Sent delivery status notification {} to {} for mail {} ({}: {})", report.getName(), sender.asString(),
                mail.getName(), action.fieldValue(), reported);
        } finally {
            LifecycleUtil.dispose(report);
        }
    }

    /** RFC 3461 §4.1: without NOTIFY the MTA decides (we report); NOTIFY=NEVER or a list without this action: no. */
    private boolean asksForReport(Optional<DsnParameters> dsnParameters, MailAddress recipient) {
        return dsnParameters
            .map(parameters -> parameters.getRcptParameters().get(recipient))
            .flatMap(RecipientDsnParameters::getNotifyParameter)
            .map(notify -> notify.contains(action.notifyCondition()))
            .orElse(true);
    }

    private MimeMessage reportMessage(Mail mail, Optional<DsnParameters> dsnParameters, List<MailAddress> reported) throws MessagingException {
        MimeMessage original = mail.getMessage();
        RecipientStatusResolver statuses = RecipientStatusResolver.forMail(mail, action, defaultStatus);

        MimeMultipartReport multipart = new MimeMultipartReport();
        multipart.setReportType("delivery-status");
        multipart.addBodyPart(humanReadablePart(original, reported, statuses));
        multipart.addBodyPart(deliveryStatusPart(mail, dsnParameters, reported, statuses));
        Attachment returned = returnedContent(dsnParameters, mail.getMessageSize());
        if (returned == Attachment.MESSAGE) {
            multipart.addBodyPart(messagePart(original));
        } else if (returned == Attachment.HEADS) {
            multipart.addBodyPart(headersPart(original));
        }

        InternetAddress originalSender = new InternetAddress(mail.getMaybeSender().get().asString());
        MimeMessage message = new MimeMessage(Session.getInstance(new Properties()));
        message.setFrom(fromPostmaster ? new InternetAddress(getMailetContext().getPostmaster().asString()) : from.orElse(originalSender));
        message.setRecipient(Message.RecipientType.TO, originalSender);
        message.setSubject(subject(original), StandardCharsets.UTF_8.name());
        message.setSentDate(new Date());
        // RFC 3834 §5: an automatic response, not to be answered automatically.
        message.setHeader("Auto-Submitted", "auto-replied");
        String originalId = original.getMessageID();
        if (originalId != null) {
            message.setHeader("In-Reply-To", originalId);
            message.setHeader("References", originalId);
        }
        message.setContent(multipart);
        message.saveChanges();
        return message;
    }

    private String subject(MimeMessage original) throws MessagingException {
        return Optional.ofNullable(original.getSubject())
            .map(TieredDSNBounce::singleLine)
            .filter(subject -> !subject.isEmpty())
            .map(subject -> subjectPrefix + " " + subject)
            .orElse(subjectPrefix);
    }

    private MimeBodyPart humanReadablePart(MimeMessage original, List<MailAddress> reported, RecipientStatusResolver statuses) throws MessagingException {
        StringBuilder text = new StringBuilder(explanation).append('\n');
        Optional.ofNullable(original.getSubject())
            .ifPresent(subject -> text.append("Original subject: ").append(singleLine(subject)).append("\n\n"));
        for (MailAddress recipient : reported) {
            text.append('<').append(recipient.asString()).append('>');
            if (action.reportsDiagnostic()) {
                text.append(": ").append(reason(statuses.statusOf(recipient)));
            }
            text.append('\n');
        }
        MimeBodyPart part = new MimeBodyPart();
        part.setText(text.toString(), StandardCharsets.UTF_8.name());
        part.setDescription("Notification");
        return part;
    }

    private static String reason(RecipientStatus status) {
        if (status.diagnostic().isBlank()) {
            return "status " + status.status();
        }
        return status.remoteMta().map(host -> "host " + singleLine(host) + " said: ").orElse("") + singleLine(status.diagnostic());
    }

    private MimeBodyPart deliveryStatusPart(Mail mail, Optional<DsnParameters> dsnParameters, List<MailAddress> reported,
                                            RecipientStatusResolver statuses) throws MessagingException {
        DeliveryStatus.PerMessage perMessage = new DeliveryStatus.PerMessage(
            hostName,
            dsnParameters.flatMap(DsnParameters::getEnvIdParameter).map(envId -> xtextDecoded(envId.asString())),
            Optional.ofNullable(mail.getRemoteHost()),
            AttributeUtils.getValueAndCastFromMail(mail, ARRIVAL_DATE, ZonedDateTime.class));
        ZonedDateTime lastAttempt = ZonedDateTime.ofInstant(
            Optional.ofNullable(mail.getLastUpdated()).orElseGet(Date::new).toInstant(), ZoneId.systemDefault());
        List<DeliveryStatus.PerRecipient> recipients = reported.stream()
            .map(recipient -> new DeliveryStatus.PerRecipient(
                dsnParameters.map(parameters -> parameters.getRcptParameters().get(recipient))
                    .flatMap(RecipientDsnParameters::getOrcptParameter)
                    .map(orcpt -> xtextDecoded(orcpt.asString())),
                recipient, action, statuses.statusOf(recipient), lastAttempt))
            .collect(ImmutableList.toImmutableList());
        String text = new DeliveryStatus(perMessage, recipients).asText(DateFormats.RFC822_DATE_FORMAT);

        MimeBodyPart part = new MimeBodyPart();
        part.setDataHandler(new DataHandler(new ByteArrayDataSource(text.getBytes(StandardCharsets.US_ASCII), "message/delivery-status")));
        // RFC 3464 §2.1: the fields are 7-bit; DeliveryStatus keeps them printable ASCII in short lines.
        part.setHeader("Content-Transfer-Encoding", "7bit");
        part.setDescription("Delivery report");
        return part;
    }

    /**
     * RFC 3461 §4.3: RET=HDRS asks for the headers only, RET=FULL for the whole message; none always wins, and a
     * message over {@code maxReturnedSize} is returned as its headers (as Postfix's bounce_size_limit, RET=FULL too).
     */
    private Attachment returnedContent(Optional<DsnParameters> dsnParameters, long messageSize) {
        if (attachment == Attachment.NONE) {
            return Attachment.NONE;
        }
        Attachment asked = dsnParameters.flatMap(DsnParameters::getRetParameter)
            .map(ret -> ret == DsnParameters.Ret.HDRS ? Attachment.HEADS : Attachment.MESSAGE)
            .orElse(attachment);
        return asked == Attachment.MESSAGE && messageSize > maxReturnedSize ? Attachment.HEADS : asked;
    }

    private static MimeBodyPart messagePart(MimeMessage original) throws MessagingException {
        MimeBodyPart part = new MimeBodyPart();
        part.setContent(original, "message/rfc822");
        part.setDescription("Undelivered Message");
        return part;
    }

    private static MimeBodyPart headersPart(MimeMessage original) throws MessagingException {
        StringBuilder headers = new StringBuilder();
        for (String line : Collections.list(original.getAllHeaderLines())) {
            headers.append(line).append("\r\n");
        }
        MimeBodyPart part = new MimeBodyPart();
        part.setDataHandler(new DataHandler(new ByteArrayDataSource(headers.toString().getBytes(StandardCharsets.UTF_8), "text/rfc822-headers")));
        part.setDescription("Undelivered Message Headers");
        return part;
    }

    private Optional<String> parseDefaultStatus(String value) {
        if (value.equalsIgnoreCase(UNKNOWN_STATUS)) {
            return Optional.empty();
        }
        if (!RecipientStatus.isStatusCode(value.strip())) {
            throw new IllegalArgumentException("TieredDSNBounce defaultStatus '" + value + "' is not an RFC 3463 status"
                + " code: use e.g. 5.0.0 (failures), 4.0.0 (delays), 2.0.0 (success), or unknown for X.0.0 of the action");
        }
        return Optional.of(value.strip());
    }

    private static long parseMaxReturnedSize(String value) {
        try {
            long size = Long.parseLong(value.strip());
            if (size >= 0) {
                return size;
            }
        } catch (NumberFormatException e) {
            // Said below.
        }
        throw new IllegalArgumentException("TieredDSNBounce maxReturnedSize '" + value + "' is not a number of bytes:"
            + " write e.g. 50000 (a larger message is returned as its headers)");
    }

    private static Attachment parseAttachment(String value) {
        try {
            return Attachment.valueOf(value.strip().toUpperCase(Locale.US));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("TieredDSNBounce attachment '" + value + "' is not supported: use message, heads or none", e);
        }
    }

    private Optional<InternetAddress> parseSender(String value) throws AddressException {
        String special = value.strip().toLowerCase(Locale.US);
        fromPostmaster = special.equals("postmaster");
        if (fromPostmaster) {
            return Optional.empty();
        }
        if (special.equals("sender") || special.equals("unaltered")) {
            return Optional.empty();
        }
        try {
            return Optional.of(new InternetAddress(value.strip(), true));
        } catch (AddressException e) {
            throw new IllegalArgumentException("TieredDSNBounce sender '" + value + "' is not an address: use postmaster, sender,"
                + " unaltered or an address such as mailer-daemon@example.com", e);
        }
    }

    /**
     * This machine's name as stock DSNBounce takes it (the name the local host address was found by, no reverse look-up,
     * which gives an IP address where the DNS has no PTR record: "Reporting-MTA: dns; 127.0.0.1" is not a DNS name).
     */
    private String localHostName() {
        try {
            return dns.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            LOGGER.warn("Cannot find this server's host name; delivery status notifications will say localhost", e);
            return "localhost";
        }
    }

    private String localHostAddress() {
        try {
            return dns.getLocalHost().getHostAddress();
        } catch (UnknownHostException e) {
            return LOCALHOST_ADDRESS;
        }
    }

    private static String xtextDecoded(String value) {
        return XText.isValid(value) ? XText.decode(value) : value;
    }

    private static String singleLine(String text) {
        return BREAKS_AND_CONTROLS.trimAndCollapseFrom(text, ' ');
    }

    private void logDecision(String format, Object... arguments) {
        if (debug) {
            LOGGER.info(format, arguments);
        } else {
            LOGGER.debug(format, arguments);
        }
    }
}
