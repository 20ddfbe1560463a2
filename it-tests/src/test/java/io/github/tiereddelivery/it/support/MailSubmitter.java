package io.github.tiereddelivery.it.support;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.List;
import java.util.Properties;
import java.util.UUID;

import javax.mail.Address;
import javax.mail.Message;
import javax.mail.MessagingException;
import javax.mail.Session;
import javax.mail.Transport;
import javax.mail.internet.AddressException;
import javax.mail.internet.InternetAddress;
import javax.mail.internet.MimeMessage;

/**
 * Submits mail to an SMTP server with javax.mail's SMTP transport, as a mail client would. Every send opens its own
 * connection; it returns only when the server answered 250 to the end of DATA, and throws otherwise
 * ({@link javax.mail.SendFailedException} names rejected recipients).
 */
public final class MailSubmitter {
    private static final String TIMEOUT_MILLIS = "30000";
    private static final String HELO_NAME = "client.sender.test";

    private final String host;
    private final int port;

    public MailSubmitter(String host, int port) {
        this.host = host;
        this.port = port;
    }

    /** Sends a plain-text mail and returns the Message-ID header it set. */
    public String send(String from, List<String> recipients, String subject, String body) throws MessagingException {
        Session session = session(from);
        String messageId = "<" + UUID.randomUUID() + "@" + domainOf(from) + ">";
        MimeMessage message = new MimeMessage(session) {
            @Override
            protected void updateMessageID() throws MessagingException {
                setHeader("Message-ID", messageId);
            }
        };
        message.setFrom(new InternetAddress(from));
        message.setRecipients(Message.RecipientType.TO, addresses(recipients));
        message.setSubject(subject, StandardCharsets.UTF_8.name());
        message.setSentDate(new Date());
        message.setText(body, StandardCharsets.UTF_8.name());
        message.saveChanges();
        transmit(session, message, recipients);
        return messageId;
    }

    /** Sends the message exactly as given (headers and body, CRLF or LF line ends) to the given envelope. */
    public void sendRaw(String from, List<String> recipients, String rawMessage) throws MessagingException {
        Session session = session(from);
        // Parsed from a stream, the message counts as saved: javax.mail writes its original bytes unchanged.
        MimeMessage message = new MimeMessage(session,
            new ByteArrayInputStream(rawMessage.getBytes(StandardCharsets.UTF_8)));
        transmit(session, message, recipients);
    }

    private void transmit(Session session, MimeMessage message, List<String> recipients) throws MessagingException {
        try (Transport transport = session.getTransport("smtp")) {
            transport.connect();
            transport.sendMessage(message, addresses(recipients));
        }
    }

    private Session session(String envelopeFrom) {
        Properties properties = new Properties();
        properties.setProperty("mail.smtp.host", host);
        properties.setProperty("mail.smtp.port", String.valueOf(port));
        properties.setProperty("mail.smtp.from", envelopeFrom);
        properties.setProperty("mail.smtp.localhost", HELO_NAME);
        properties.setProperty("mail.smtp.connectiontimeout", TIMEOUT_MILLIS);
        properties.setProperty("mail.smtp.timeout", TIMEOUT_MILLIS);
        properties.setProperty("mail.smtp.writetimeout", TIMEOUT_MILLIS);
        return Session.getInstance(properties);
    }

    private static Address[] addresses(List<String> recipients) throws AddressException {
        if (recipients.isEmpty()) {
            throw new IllegalArgumentException("a mail needs at least one recipient");
        }
        Address[] addresses = new Address[recipients.size()];
        for (int i = 0; i < addresses.length; i++) {
            addresses[i] = new InternetAddress(recipients.get(i), true);
        }
        return addresses;
    }

    private static String domainOf(String address) {
        int at = address.lastIndexOf('@');
        if (at < 0) {
            throw new IllegalArgumentException("'" + address + "' is not a mail address");
        }
        return address.substring(at + 1);
    }
}
