package io.github.tiereddelivery.it.support;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

import javax.mail.BodyPart;
import javax.mail.MessagingException;
import javax.mail.Session;
import javax.mail.internet.MailDateFormat;
import javax.mail.internet.MimeMessage;
import javax.mail.internet.MimeMultipart;

import io.github.tiereddelivery.testing.ReceivedMessage;

/** An RFC 3464 bounce as it arrived at the sender's server: its report fields, recipient by recipient. */
public final class DeliveryStatusNotification {
    private final String contentType;
    private final List<Map<String, String>> recipientFields;
    private final Date date;

    private DeliveryStatusNotification(String contentType, List<Map<String, String>> recipientFields, Date date) {
        this.contentType = contentType;
        this.recipientFields = recipientFields;
        this.date = date;
    }

    public static DeliveryStatusNotification parse(ReceivedMessage received) throws MessagingException, IOException {
        MimeMessage message = new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(received.content()));
        MimeMultipart report = (MimeMultipart) message.getContent();
        for (int i = 0; i < report.getCount(); i++) {
            BodyPart part = report.getBodyPart(i);
            if (part.isMimeType("message/delivery-status")) {
                String text = new String(part.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
                return new DeliveryStatusNotification(message.getContentType(), recipientBlocks(text), message.getSentDate());
            }
        }
        throw new AssertionError("no message/delivery-status part in " + received);
    }

    /** RFC 3464 section 2.1: a per-message block, then one block per recipient, separated by blank lines. */
    private static List<Map<String, String>> recipientBlocks(String text) {
        List<Map<String, String>> blocks = new ArrayList<>();
        for (String block : text.replace("\r\n", "\n").split("\n\\s*\n")) {
            Map<String, String> fields = new LinkedHashMap<>();
            // RFC 5322 unfolding: a line that starts with white space continues the field above.
            for (String line : block.replaceAll("\n[ \t]+", " ").split("\n")) {
                int colon = line.indexOf(':');
                if (colon > 0) {
                    fields.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
                }
            }
            if (fields.containsKey("final-recipient")) {
                blocks.add(fields);
            }
        }
        return blocks;
    }

    public String contentType() {
        return contentType;
    }

    /** The report's {@code Date:} header: when the bounce was made. */
    public Instant date() {
        return date.toInstant();
    }

    /** A date field of a recipient's block (RFC 5322 date-time), e.g. {@code Last-Attempt-Date}. */
    public Instant dateField(String recipient, String name) throws ParseException {
        String value = field(recipient, name).orElseThrow(() -> new AssertionError("no " + name + " for " + recipient));
        return new MailDateFormat().parse(value).toInstant();
    }

    /** The recipients reported, as written after {@code rfc822;}. */
    public List<String> recipients() {
        List<String> recipients = new ArrayList<>();
        recipientFields.forEach(fields -> recipients.add(fields.get("final-recipient").replaceFirst("(?i)^rfc822;\\s*", "")));
        return recipients;
    }

    /** A field of a recipient's block, e.g. {@code field("bob@acme.test", "Status")}. */
    public Optional<String> field(String recipient, String name) {
        return recipientFields.stream()
            .filter(fields -> fields.get("final-recipient").toLowerCase(Locale.ROOT).endsWith(recipient.toLowerCase(Locale.ROOT)))
            .findFirst()
            .map(fields -> fields.get(name.toLowerCase(Locale.ROOT)));
    }
}
