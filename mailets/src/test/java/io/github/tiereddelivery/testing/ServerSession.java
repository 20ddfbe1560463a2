package io.github.tiereddelivery.testing;

import io.github.tiereddelivery.smtp.Stage;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * One connection of a {@link ReceivingSmtpServer}. Replies are buffered and sent when no more input is waiting, so
 * a pipelined group of commands gets its replies in one go (RFC 2920 3.2).
 */
final class ServerSession implements Runnable {

    private static final Pattern PATH = Pattern.compile("(?i)(FROM|TO):\\s*<([^>]*)>.*");
    private static final String BYE = "221 2.0.0 Bye";
    private static final String OK = "250 2.0.0 OK";

    private final ReceivingSmtpServer server;
    private Socket socket;
    private boolean tlsActive;
    private final byte[] buffer = new byte[8192];
    private Thread thread;
    private InputStream in;
    private OutputStream out;
    private int position;
    private int limit;
    /** Replies written but not yet flushed. */
    private boolean unflushed;
    private boolean authenticated;
    /** Null: no transaction. */
    private String sender;
    private final List<String> recipients = new ArrayList<>();
    /** The BDAT chunks of the transaction so far; null before the first. */
    private ByteArrayOutputStream chunked;
    /** A chunk of this transaction was refused: the others are too (RFC 3030 2). */
    private boolean chunkRefused;

    ServerSession(ReceivingSmtpServer server, Socket socket) {
        this.server = server;
        this.socket = socket;
    }

    void start(Thread sessionThread) {
        this.thread = sessionThread;
        sessionThread.start();
    }

    Thread thread() {
        return thread;
    }

    /** Ends the connection from outside (server stop). */
    void close() {
        closeQuietly();
        thread.interrupt();
    }

    @Override
    public void run() {
        try {
            serve();
        } catch (IOException | InterruptedException e) {
            // The client left, the connection idled out, or the server stopped.
        } finally {
            closeQuietly();
            server.sessionEnded(this);
        }
    }

    private void serve() throws IOException, InterruptedException {
        socket.setSoTimeout((int) ReceivingSmtpServer.IDLE_TIMEOUT.toMillis());
        in = socket.getInputStream();
        out = new BufferedOutputStream(socket.getOutputStream());
        Behaviour behaviour = server.behaviour();
        if (behaviour.dropsAt(Stage.CONNECT) || behaviour.dropsAt(Stage.GREETING)) {
            return;
        }
        if (behaviour.implicitTls().isPresent()) {
            encrypt(behaviour.implicitTls().get());
        }
        if (!behaviour.greets()) {
            while (in.read(buffer) >= 0) {
                // Silent: swallow whatever the client sends until it gives up.
            }
            return;
        }
        reply(behaviour.greeting(), behaviour);
        int greetingCode = code(behaviour.greeting());
        if (greetingCode == 421) {
            flush();
            return;
        }
        boolean serving = greetingCode / 100 == 2;
        while (true) {
            String line = readCommand();
            if (line == null) {
                return;
            }
            Behaviour current = server.behaviour();
            boolean carryOn;
            if (serving) {
                carryOn = handle(line, current);
            } else {
                // RFC 5321 3.1: after a 554 greeting, wait for QUIT and refuse everything else.
                carryOn = !verb(line).equals("QUIT");
                reply(carryOn ? "503 5.5.1 No service" : BYE, current);
            }
            if (!carryOn) {
                flush();
                return;
            }
        }
    }

    /** Handles one command; false when the connection is to be closed. */
    private boolean handle(String line, Behaviour behaviour) throws IOException, InterruptedException {
        String verb = verb(line);
        String argument = line.length() > verb.length() ? line.substring(verb.length()).strip() : "";
        Optional<Stage> stage = stage(verb);
        if (stage.isPresent() && behaviour.dropsAt(stage.get())) {
            return false;
        }
        switch (verb) {
            case "EHLO" -> ehlo(behaviour);
            case "HELO" -> {
                resetTransaction();
                reply("250 " + server.address().getHostAddress(), behaviour);
            }
            case "STARTTLS" -> {
                return startTls(behaviour);
            }
            case "AUTH" -> {
                return auth(argument, behaviour);
            }
            case "MAIL" -> mail(argument, behaviour);
            case "RCPT" -> rcpt(argument, behaviour);
            case "DATA" -> {
                return data(behaviour);
            }
            case "BDAT" -> {
                return bdat(argument, behaviour);
            }
            case "RSET" -> {
                resetTransaction();
                reply(OK, behaviour);
            }
            case "NOOP" -> reply(OK, behaviour);
            case "QUIT" -> {
                reply(BYE, behaviour);
                return false;
            }
            default -> reply("500 5.5.2 Command not recognized", behaviour);
        }
        return true;
    }

    private void ehlo(Behaviour behaviour) throws IOException, InterruptedException {
        resetTransaction();
        if (behaviour.ehloRejection().isPresent()) {
            reply(behaviour.ehloRejection().get(), behaviour);
            return;
        }
        List<String> lines = new ArrayList<>();
        lines.add(server.address().getHostAddress());
        lines.addAll(behaviour.ehloCapabilities());
        if ((behaviour.tls().isPresent() || behaviour.breaksTlsHandshake() || behaviour.startTlsRefusal().isPresent())
                && !tlsActive) {
            lines.add("STARTTLS");
        }
        boolean authAnnounced = behaviour.ehloCapabilities().stream()
            .anyMatch(capability -> verb(capability).equals("AUTH"));
        if (behaviour.requiresAuth() && !authAnnounced) {
            lines.add("AUTH PLAIN LOGIN");
        }
        reply("250 " + String.join("\n", lines), behaviour);
    }

    /**
     * RFC 3207: 220, then the TLS handshake on the same socket; what was pipelined before is discarded. False when the
     * connection is to be closed (a handshake broken on purpose).
     */
    private boolean startTls(Behaviour behaviour) throws IOException, InterruptedException {
        if (behaviour.breaksTlsHandshake() && !tlsActive) {
            reply("220 2.0.0 Ready to start TLS", behaviour);
            out.write("this is no TLS record\r\n".getBytes(StandardCharsets.US_ASCII));
            flush();
            return false;
        }
        if (behaviour.startTlsRefusal().isPresent()) {
            reply(behaviour.startTlsRefusal().get(), behaviour);
            flush();
            return !behaviour.startTlsRefusal().get().startsWith("421");
        }
        if (behaviour.tls().isEmpty() || tlsActive) {
            reply("454 4.7.0 TLS not available", behaviour);
            return true;
        }
        reply("220 2.0.0 Ready to start TLS", behaviour);
        flush();
        encrypt(behaviour.tls().get());
        resetTransaction();
        return true;
    }

    /** The server side of a TLS handshake on this connection; what was read before is discarded. */
    private void encrypt(SSLContext context) throws IOException {
        SSLSocket tls = (SSLSocket) context.getSocketFactory()
            .createSocket(socket, socket.getInetAddress().getHostAddress(), socket.getPort(), true);
        tls.setUseClientMode(false);
        tls.startHandshake();
        socket = tls;
        in = tls.getInputStream();
        out = new BufferedOutputStream(tls.getOutputStream());
        position = 0;
        limit = 0;
        tlsActive = true;
    }

    /** AUTH PLAIN (with or without initial response) and AUTH LOGIN; false when the client left mid-exchange. */
    private boolean auth(String argument, Behaviour behaviour) throws IOException, InterruptedException {
        if (!behaviour.requiresAuth()) {
            reply("502 5.5.1 AUTH not available", behaviour);
            return true;
        }
        if (authenticated) {
            reply("503 5.5.1 Already authenticated", behaviour);
            return true;
        }
        String[] words = argument.split("\\s+");
        String mechanism = words[0].toUpperCase(Locale.ROOT);
        String username;
        String password;
        if (mechanism.equals("PLAIN")) {
            String response = words.length > 1 ? words[1] : challenge("334 ", behaviour);
            if (response == null) {
                return false;
            }
            String[] parts = decode(response).split("\0", -1);
            username = parts.length == 3 ? parts[1] : "";
            password = parts.length == 3 ? parts[2] : "";
        } else if (mechanism.equals("LOGIN")) {
            String user = challenge("334 VXNlcm5hbWU6", behaviour);
            String pass = user == null ? null : challenge("334 UGFzc3dvcmQ6", behaviour);
            if (pass == null) {
                return false;
            }
            username = decode(user);
            password = decode(pass);
        } else {
            reply("504 5.5.4 Mechanism not supported", behaviour);
            return true;
        }
        authenticated = behaviour.acceptsCredentials(username, password);
        reply(authenticated ? "235 2.7.0 Authentication successful" : "535 5.7.8 Authentication credentials invalid",
            behaviour);
        return true;
    }

    private String challenge(String reply, Behaviour behaviour) throws IOException, InterruptedException {
        reply(reply, behaviour);
        return readCommand();
    }

    private static String decode(String base64) {
        try {
            return new String(Base64.getDecoder().decode(base64.strip()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return "";
        }
    }

    private void mail(String argument, Behaviour behaviour) throws IOException, InterruptedException {
        Matcher path = PATH.matcher(argument);
        if (behaviour.requiresAuth() && !authenticated) {
            reply("530 5.7.0 Authentication required", behaviour);
        } else if (sender != null) {
            reply("503 5.5.1 Nested MAIL command", behaviour);
        } else if (!path.matches() || !path.group(1).equalsIgnoreCase("FROM")) {
            reply("501 5.5.4 Syntax: MAIL FROM:<address>", behaviour);
        } else {
            String reply = behaviour.mailReply();
            if (code(reply) / 100 == 2) {
                sender = path.group(2);
                recipients.clear();
                server.recordTransaction();
            }
            reply(reply, behaviour);
        }
    }

    private void rcpt(String argument, Behaviour behaviour) throws IOException, InterruptedException {
        Matcher path = PATH.matcher(argument);
        if (sender == null) {
            reply("503 5.5.1 Need MAIL command", behaviour);
        } else if (!path.matches() || !path.group(1).equalsIgnoreCase("TO")) {
            reply("501 5.5.4 Syntax: RCPT TO:<address>", behaviour);
        } else if (recipients.size() == Math.min(ReceivingSmtpServer.MAX_RECIPIENTS, behaviour.maxRecipientsPerTransaction())) {
            reply("452 4.5.3 Too many recipients", behaviour);
        } else {
            String reply = behaviour.rcptReply(path.group(2));
            if (code(reply) / 100 == 2) {
                recipients.add(path.group(2));
            }
            reply(reply, behaviour);
        }
    }

    /** DATA, the message and its reply; false when the connection is to be closed. */
    private boolean data(Behaviour behaviour) throws IOException, InterruptedException {
        if (sender == null) {
            reply("503 5.5.1 Need MAIL command", behaviour);
            return true;
        }
        if (recipients.isEmpty()) {
            reply("554 5.5.1 No valid recipients", behaviour);
            return true;
        }
        String dataReply = behaviour.dataReply();
        reply(dataReply, behaviour);
        if (code(dataReply) != 354) {
            return true;
        }
        ByteArrayOutputStream message = new ByteArrayOutputStream();
        boolean complete = readMessage(message);
        if (!complete || behaviour.dropsAt(Stage.END_OF_DATA)) {
            return false;
        }
        String reply;
        if (message.size() > ReceivingSmtpServer.MAX_MESSAGE_BYTES) {
            reply = "552 5.3.4 Message exceeds the test server's limit of "
                + ReceivingSmtpServer.MAX_MESSAGE_BYTES + " bytes";
        } else {
            reply = behaviour.endOfDataReply();
            if (code(reply) / 100 == 2 && !store(message.toByteArray())) {
                reply = "452 4.3.1 Test server storage full";
            }
        }
        resetTransaction();
        reply(reply, behaviour);
        return true;
    }

    /**
     * BDAT (RFC 3030): reads exactly the announced octets whatever happens, so the session stays in step; the chunks
     * of a transaction add up to the message, stored at LAST as the end of DATA would store it. Without a transaction
     * (503) or an accepted recipient (554), and after a refused chunk, chunks are refused.
     */
    private boolean bdat(String argument, Behaviour behaviour) throws IOException, InterruptedException {
        String[] words = argument.split("\\s+");
        long size;
        try {
            size = Long.parseLong(words[0]);
        } catch (NumberFormatException e) {
            // Without a size the octets that follow cannot be told from commands.
            reply("501 5.5.4 Syntax: BDAT size [LAST]", behaviour);
            return false;
        }
        boolean last = words.length > 1 && words[1].equalsIgnoreCase("LAST");
        boolean accepting = sender != null && !recipients.isEmpty() && !chunkRefused;
        if (accepting && chunked == null) {
            chunked = new ByteArrayOutputStream();
        }
        for (long i = 0; i < size; i++) {
            int b = read();
            if (b < 0) {
                return false;
            }
            if (accepting) {
                append(chunked, b);
            }
        }
        if (!accepting) {
            reply(sender == null || chunkRefused ? "503 5.5.1 Bad sequence of commands" : "554 5.5.1 No valid recipients",
                behaviour);
            chunkRefused = sender != null;
            if (last) {
                resetTransaction();
            }
            return true;
        }
        if (!last) {
            reply("250 2.0.0 " + size + " octets received", behaviour);
            return true;
        }
        if (behaviour.dropsAt(Stage.END_OF_DATA)) {
            return false;
        }
        String reply;
        if (chunked.size() > ReceivingSmtpServer.MAX_MESSAGE_BYTES) {
            reply = "552 5.3.4 Message exceeds the test server's limit of "
                + ReceivingSmtpServer.MAX_MESSAGE_BYTES + " bytes";
        } else {
            reply = behaviour.endOfDataReply();
            if (code(reply) / 100 == 2 && !store(chunked.toByteArray())) {
                reply = "452 4.3.1 Test server storage full";
            }
        }
        resetTransaction();
        reply(reply, behaviour);
        return true;
    }

    private boolean store(byte[] content) {
        ReceivedMessage message = new ReceivedMessage(sender, recipients, content,
            (InetSocketAddress) socket.getLocalSocketAddress(), socket.getInetAddress(), Instant.now(), tlsActive);
        return server.store(message, content.length);
    }

    /**
     * Reads the data up to the line "." and undoes dot-stuffing (RFC 5321 4.5.2). Bare LF ends lines too. Keeps at
     * most one byte more than the limit, so an oversized message is detected without being held in memory.
     *
     * @return false when the connection ended first
     */
    private boolean readMessage(ByteArrayOutputStream message) throws IOException {
        boolean atLineStart = true;
        boolean dotAtLineStart = false;
        boolean dotCr = false;
        while (true) {
            int b = read();
            if (b < 0) {
                return false;
            }
            if (dotCr) {
                if (b == '\n') {
                    return true;
                }
                append(message, '\r');
                dotCr = false;
            } else if (dotAtLineStart) {
                dotAtLineStart = false;
                if (b == '\r') {
                    dotCr = true;
                    continue;
                }
                if (b == '\n') {
                    return true;
                }
            } else if (atLineStart && b == '.') {
                dotAtLineStart = true;
                atLineStart = false;
                continue;
            }
            append(message, b);
            atLineStart = b == '\n';
        }
    }

    private static void append(ByteArrayOutputStream message, int b) {
        if (message.size() <= ReceivingSmtpServer.MAX_MESSAGE_BYTES) {
            message.write(b);
        }
    }

    /** One command line without CRLF; null when the client left or sent an over-long line (then answered 500). */
    private String readCommand() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        while (true) {
            int b = read();
            if (b < 0) {
                return null;
            }
            if (b == '\n') {
                String command = line.toString(StandardCharsets.UTF_8);
                if (command.endsWith("\r")) {
                    command = command.substring(0, command.length() - 1);
                }
                server.recordCommand(command, unflushed);
                return command;
            }
            if (line.size() == ReceivingSmtpServer.MAX_COMMAND_BYTES) {
                out.write("500 5.5.2 Line too long\r\n".getBytes(StandardCharsets.US_ASCII));
                flush();
                return null;
            }
            line.write(b);
        }
    }

    /** The next input byte, -1 at the end; sends the buffered replies before waiting for more input. */
    private int read() throws IOException {
        if (position == limit) {
            flush();
            int count = in.read(buffer);
            if (count < 0) {
                return -1;
            }
            position = 0;
            limit = count;
        }
        return buffer[position++] & 0xff;
    }

    private void reply(String reply, Behaviour behaviour) throws IOException, InterruptedException {
        if (!behaviour.replyDelay().isZero()) {
            Thread.sleep(behaviour.replyDelay().toMillis());
        }
        String code = reply.substring(0, 3);
        String[] texts = reply.length() > 4 ? reply.substring(4).split("\n", -1) : new String[0];
        StringBuilder sent = new StringBuilder();
        if (texts.length == 0) {
            sent.append(code).append("\r\n");
        }
        for (int i = 0; i < texts.length; i++) {
            sent.append(code).append(i == texts.length - 1 ? ' ' : '-').append(texts[i]).append("\r\n");
        }
        out.write(sent.toString().getBytes(StandardCharsets.UTF_8));
        unflushed = true;
    }

    private void flush() throws IOException {
        if (unflushed) {
            // Counted before it leaves: a client that got the replies finds them counted.
            server.recordReplyBatch();
        }
        out.flush();
        unflushed = false;
    }

    private void resetTransaction() {
        sender = null;
        recipients.clear();
        chunked = null;
        chunkRefused = false;
    }

    private void closeQuietly() {
        try {
            socket.close();
        } catch (IOException e) {
            // Only releasing resources.
        }
    }

    private static String verb(String line) {
        int space = line.indexOf(' ');
        return (space < 0 ? line : line.substring(0, space)).toUpperCase(Locale.ROOT);
    }

    private static Optional<Stage> stage(String verb) {
        return Optional.ofNullable(switch (verb) {
            case "EHLO", "HELO" -> Stage.EHLO;
            case "STARTTLS" -> Stage.STARTTLS;
            case "AUTH" -> Stage.AUTH;
            case "MAIL" -> Stage.MAIL;
            case "RCPT" -> Stage.RCPT;
            case "DATA", "BDAT" -> Stage.DATA;
            case "RSET" -> Stage.RSET;
            case "QUIT" -> Stage.QUIT;
            default -> null;
        });
    }

    private static int code(String reply) {
        return Integer.parseInt(reply.substring(0, 3));
    }
}
