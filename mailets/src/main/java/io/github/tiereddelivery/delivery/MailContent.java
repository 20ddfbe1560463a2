package io.github.tiereddelivery.delivery;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import javax.mail.MessagingException;
import javax.mail.internet.MimeMessage;

import org.apache.james.server.core.MimeMessageWrapper;
import org.apache.mailet.Mail;

import io.github.tiereddelivery.smtp.MessageContent;

/**
 * The message of a mail as the SMTP client sends it: without {@code Bcc:} and {@code Content-Length:} header fields, as
 * JavaMail's SMTP transport (stock RemoteDelivery) sends it; a Bcc field would show the hidden recipients to all of
 * them (RFC 5322 3.6.3). A message nobody changed since James stored it (what its queue hands over) is copied from
 * its stored bytes, those two fields left out on the way: {@link MimeMessageWrapper#writeTo} would parse and rewrite
 * its header first, for every transaction.
 */
final class MailContent implements MessageContent {
    private static final String[] NOT_SENT = {"Bcc", "Content-Length"};
    private static final byte[][] NOT_SENT_NAMES = {ascii("bcc"), ascii("content-length")};

    private final Mail mail;

    MailContent(Mail mail) {
        this.mail = mail;
    }

    @Override
    public void writeTo(OutputStream out) throws IOException {
        try {
            MimeMessage message = mail.getMessage();
            if (message instanceof MimeMessageWrapper stored && !stored.isModified()) {
                try (InputStream in = new BufferedInputStream(stored.getMessageInputStream())) {
                    copyWithoutNotSentFields(in, out);
                }
            } else {
                message.writeTo(out, NOT_SENT);
            }
        } catch (MessagingException e) {
            throw new IOException("cannot read the message of mail " + mail.getName() + ": " + e.getMessage(), e);
        }
    }

    /**
     * The header line by line, a field left out with its folded continuation lines (RFC 5322 2.2.3: they start with
     * a space or a tab); from the empty line on, the body as it is.
     */
    private static void copyWithoutNotSentFields(InputStream in, OutputStream out) throws IOException {
        Line line = new Line();
        boolean leavingOut = false;
        while (line.readFrom(in)) {
            if (line.isEmpty()) {
                line.writeTo(out);
                in.transferTo(out);
                return;
            }
            if (!line.isContinuation()) {
                leavingOut = line.isFieldNamed(NOT_SENT_NAMES);
            }
            if (!leavingOut) {
                line.writeTo(out);
            }
        }
    }

    /** One line of the header, with its line end (CRLF, or a bare LF as some stored messages have). */
    private static final class Line {
        private byte[] bytes = new byte[256];
        private int length;

        boolean readFrom(InputStream in) throws IOException {
            length = 0;
            int b;
            while ((b = in.read()) != -1) {
                if (length == bytes.length) {
                    bytes = Arrays.copyOf(bytes, length * 2);
                }
                bytes[length++] = (byte) b;
                if (b == '\n') {
                    break;
                }
            }
            return length > 0;
        }

        boolean isEmpty() {
            return (length == 1 && bytes[0] == '\n') || (length == 2 && bytes[0] == '\r' && bytes[1] == '\n');
        }

        boolean isContinuation() {
            return bytes[0] == ' ' || bytes[0] == '\t';
        }

        /** "Name:" or, in RFC 5322's obsolete syntax (4.5.3), "Name :", the name in any case. */
        boolean isFieldNamed(byte[][] names) {
            for (byte[] name : names) {
                if (length > name.length && startsWithIgnoringCase(name) && isColonAfterSpaces(name.length)) {
                    return true;
                }
            }
            return false;
        }

        private boolean startsWithIgnoringCase(byte[] lowerCaseName) {
            for (int i = 0; i < lowerCaseName.length; i++) {
                if (Character.toLowerCase(bytes[i]) != lowerCaseName[i]) {
                    return false;
                }
            }
            return true;
        }

        private boolean isColonAfterSpaces(int from) {
            int i = from;
            while (i < length && (bytes[i] == ' ' || bytes[i] == '\t')) {
                i++;
            }
            return i < length && bytes[i] == ':';
        }

        void writeTo(OutputStream out) throws IOException {
            out.write(bytes, 0, length);
        }
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
