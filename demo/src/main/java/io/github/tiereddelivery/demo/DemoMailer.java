package io.github.tiereddelivery.demo;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.UUID;

import io.github.tiereddelivery.smtp.Envelope;
import io.github.tiereddelivery.smtp.SmtpClientSettings;
import io.github.tiereddelivery.smtp.SmtpConnection;
import io.github.tiereddelivery.smtp.TransactionResult;

/** Submits the demo's messages to James over one SMTP connection (this project's SMTP client). */
final class DemoMailer implements AutoCloseable {
    static final String SENDER = "demo@example.test";
    static final String RECIPIENT = "user@" + DemoServers.DOMAIN;

    private final SmtpConnection connection;
    private final String run = UUID.randomUUID().toString().substring(0, 8);

    private DemoMailer(SmtpConnection connection) {
        this.connection = connection;
    }

    static DemoMailer connect(InetSocketAddress james) throws IOException {
        return new DemoMailer(SmtpConnection.open(james, james.getHostString(),
            SmtpClientSettings.builder().heloName("demo-client.example.test").build()));
    }

    /** Sends message {@code number}; returns its Message-ID once James accepted it, throws when James refused it. */
    String send(int number) throws IOException {
        String messageId = "<" + number + "." + run + "@demo-client.example.test>";
        String message = "From: " + SENDER + "\r\n"
            + "To: " + RECIPIENT + "\r\n"
            + "Subject: Tiered Delivery demo, message " + number + "\r\n"
            + "Message-ID: " + messageId + "\r\n"
            + "Date: " + DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now()) + "\r\n"
            + "\r\n"
            + "Message " + number + " of the Tiered Delivery demo.\r\n";
        TransactionResult result = connection.send(Envelope.of(SENDER, RECIPIENT),
            out -> out.write(message.getBytes(StandardCharsets.US_ASCII)));
        if (!result.messageAccepted()) {
            throw new IOException("James did not accept message " + number + ": " + result);
        }
        return messageId;
    }

    @Override
    public void close() {
        connection.quit();
    }
}
