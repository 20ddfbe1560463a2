package io.github.tiereddelivery.testing;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** A message a {@link ReceivingSmtpServer} accepted. Immutable. */
public final class ReceivedMessage {

    private final String sender;
    private final List<String> recipients;
    private final byte[] content;
    private final InetSocketAddress serverAddress;
    private final InetAddress clientAddress;
    private final Instant arrival;
    private final boolean tls;

    ReceivedMessage(String sender, List<String> recipients, byte[] content, InetSocketAddress serverAddress,
                    InetAddress clientAddress, Instant arrival, boolean tls) {
        this.sender = sender;
        this.recipients = List.copyOf(recipients);
        this.content = content.clone();
        this.serverAddress = serverAddress;
        this.clientAddress = clientAddress;
        this.arrival = arrival;
        this.tls = tls;
    }

    /** The MAIL FROM address without angle brackets; "" for the null sender. */
    public String sender() {
        return sender;
    }

    /** The recipients the server accepted, in RCPT order. */
    public List<String> recipients() {
        return recipients;
    }

    /** The message as received, after dot-unstuffing, with its CRLF line ends. */
    public byte[] content() {
        return content.clone();
    }

    /** {@link #content()} decoded as UTF-8. */
    public String contentAsString() {
        return new String(content, StandardCharsets.UTF_8);
    }

    /** The Message-ID header's value, e.g. "&lt;1@acme.test&gt;". */
    public Optional<String> messageId() {
        return header("Message-ID");
    }

    /** The first header field of that name (case-insensitive), unfolded and trimmed. */
    public Optional<String> header(String name) {
        String prefix = name.toLowerCase(Locale.ROOT) + ":";
        for (String field : headerFields()) {
            if (field.toLowerCase(Locale.ROOT).startsWith(prefix)) {
                return Optional.of(field.substring(prefix.length()).strip());
            }
        }
        return Optional.empty();
    }

    /** The address of the server that received the message. */
    public InetSocketAddress serverAddress() {
        return serverAddress;
    }

    /** The address the client connected from. */
    public InetAddress clientAddress() {
        return clientAddress;
    }

    public Instant arrival() {
        return arrival;
    }

    /** Whether the message came over a connection upgraded with STARTTLS. */
    public boolean tls() {
        return tls;
    }

    @Override
    public String toString() {
        return "ReceivedMessage[from=<" + sender + ">, to=" + recipients + ", messageId=" + messageId().orElse("none")
            + ", server=" + serverAddress + ", " + content.length + " bytes]";
    }

    /** The unfolded header fields (RFC 5322 2.2.3), up to the first empty line. */
    private List<String> headerFields() {
        String text = contentAsString();
        int end = text.indexOf("\r\n\r\n");
        String header = end < 0 ? text : text.substring(0, end);
        return List.of(header.replaceAll("\r\n(?=[ \t])", "").split("\r\n"));
    }
}
