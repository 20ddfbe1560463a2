package io.github.tiereddelivery.mailets;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

import javax.mail.BodyPart;
import javax.mail.MessagingException;
import javax.mail.Session;
import javax.mail.internet.InternetHeaders;
import javax.mail.internet.MimeMessage;
import javax.mail.internet.MimeMultipart;
import javax.mail.internet.MimeUtility;

/** A delivery status notification as its receiver sees it: written out, parsed back with javax.mail. */
final class ParsedReport {
    private final MimeMessage message;
    private final MimeMultipart parts;
    private final List<InternetHeaders> statusBlocks;

    private ParsedReport(MimeMessage message) throws MessagingException, IOException {
        this.message = message;
        this.parts = (MimeMultipart) message.getContent();
        this.statusBlocks = parseBlocks(partText(1));
    }

    static ParsedReport of(MimeMessage sent) throws MessagingException, IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        sent.writeTo(bytes);
        return new ParsedReport(new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(bytes.toByteArray())));
    }

    MimeMessage message() {
        return message;
    }

    int partCount() throws MessagingException {
        return parts.getCount();
    }

    BodyPart part(int index) throws MessagingException {
        return parts.getBodyPart(index);
    }

    String partText(int index) throws MessagingException, IOException {
        try (InputStream in = parts.getBodyPart(index).getInputStream()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    String humanReadable() throws MessagingException, IOException {
        return partText(0);
    }

    String deliveryStatus() throws MessagingException, IOException {
        return partText(1);
    }

    Optional<String> perMessageField(String name) throws MessagingException {
        return field(statusBlocks.get(0), name);
    }

    List<InternetHeaders> recipientBlocks() {
        return statusBlocks.subList(1, statusBlocks.size());
    }

    InternetHeaders recipientBlock(String address) throws MessagingException {
        for (InternetHeaders block : recipientBlocks()) {
            if (field(block, "Final-Recipient").orElse("").equalsIgnoreCase("rfc822; " + address)) {
                return block;
            }
        }
        throw new AssertionError("no recipient block for " + address + " in\n" + statusBlocks);
    }

    Optional<String> recipientField(String address, String name) throws MessagingException {
        return field(recipientBlock(address), name);
    }

    static Optional<String> field(InternetHeaders block, String name) {
        return Optional.ofNullable(block.getHeader(name, null)).map(MimeUtility::unfold);
    }

    private static List<InternetHeaders> parseBlocks(String text) throws MessagingException {
        List<InternetHeaders> blocks = new ArrayList<>();
        for (String block : text.split("\r?\n\r?\n")) {
            if (!block.isBlank()) {
                blocks.add(new InternetHeaders(new ByteArrayInputStream((block + "\r\n").getBytes(StandardCharsets.US_ASCII))));
            }
        }
        return blocks;
    }
}
