package io.github.tiereddelivery.delivery;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

import javax.mail.MessagingException;
import javax.mail.internet.MimeMessage;

import org.apache.james.server.core.MimeMessageWrapper;
import org.apache.mailet.Mail;

import io.github.tiereddelivery.smtp.MessageContent;

/**
 * The message of a mail as the SMTP client sends it: without {@code Bcc:} and {@code Content-Length:} header fields, as
 * JavaMail's SMTP transport (stock RemoteDelivery) sends it; a Bcc field would show the hidden recipients to all of
 * them (RFC 5322 3.6.3). A message nobody changed since James stored it (what its queue hands over) and that has
 * neither field is copied from its stored bytes: {@link MimeMessageWrapper#writeTo} would rewrite its header first,
 * for every transaction.
 */
final class MailContent implements MessageContent {
    private static final String[] NOT_SENT = {"Bcc", "Content-Length"};

    private final Mail mail;

    MailContent(Mail mail) {
        this.mail = mail;
    }

    @Override
    public void writeTo(OutputStream out) throws IOException {
        try {
            MimeMessage message = mail.getMessage();
            if (message instanceof MimeMessageWrapper stored && !stored.isModified() && hasNone(stored, NOT_SENT)) {
                try (InputStream in = stored.getMessageInputStream()) {
                    in.transferTo(out);
                }
            } else {
                message.writeTo(out, NOT_SENT);
            }
        } catch (MessagingException e) {
            throw new IOException("cannot read the message of mail " + mail.getName() + ": " + e.getMessage(), e);
        }
    }

    private static boolean hasNone(MimeMessage message, String[] fields) throws MessagingException {
        for (String field : fields) {
            if (message.getHeader(field) != null) {
                return false;
            }
        }
        return true;
    }
}
