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
 * The message of a mail as the SMTP client sends it. A message nobody changed since James stored it (what its queue
 * hands over) is copied from its stored bytes: {@link MimeMessageWrapper#writeTo} would parse and rewrite its header
 * first, for every transaction. A changed message is written by JavaMail as usual.
 */
final class MailContent implements MessageContent {

    private final Mail mail;

    MailContent(Mail mail) {
        this.mail = mail;
    }

    @Override
    public void writeTo(OutputStream out) throws IOException {
        try {
            MimeMessage message = mail.getMessage();
            if (message instanceof MimeMessageWrapper stored && !stored.isModified()) {
                try (InputStream in = stored.getMessageInputStream()) {
                    in.transferTo(out);
                }
            } else {
                message.writeTo(out);
            }
        } catch (MessagingException e) {
            throw new IOException("cannot read the message of mail " + mail.getName() + ": " + e.getMessage(), e);
        }
    }
}
