package io.github.tiereddelivery.smtp;

import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.BindException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.ProtocolException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.SSLSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.google.common.net.InetAddresses;

/**
 * The byte level of an SMTP session: a socket, replies read and commands written against deadlines, the TLS
 * upgrade, the conversation log. Every I/O failure closes the socket and becomes a {@link SmtpSessionException} that
 * names the server and the stage. Not thread-safe.
 */
final class SmtpChannel {

    private static final Logger LOG = LoggerFactory.getLogger(SmtpConnection.class);
    private static final byte[] CRLF = {'\r', '\n'};

    /** What the client was doing when the connection failed: reading a reply, writing a command, the message, TLS. */
    private enum Operation { READ, WRITE, SEND_MESSAGE, HANDSHAKE }

    private final Socket plain;
    private final String peer;
    private final String serverName;
    private final SmtpClientSettings settings;
    private Socket socket;
    private ReplyReader reader;
    private OutputStream out;
    private boolean tls;
    private boolean open = true;

    private SmtpChannel(Socket plain, String peer, String serverName, SmtpClientSettings settings) throws IOException {
        this.plain = plain;
        this.peer = peer;
        this.serverName = serverName;
        this.settings = settings;
        attach(plain);
    }

    /** Opens the TCP connection (and the TLS layer of implicit TLS). */
    static SmtpChannel connect(InetSocketAddress address, String serverName, SmtpClientSettings settings)
            throws SmtpSessionException {
        String peer = describe(address, serverName);
        Socket plain = new Socket();
        SmtpChannel channel;
        try {
            if (settings.bindAddress().isPresent()) {
                plain.bind(new InetSocketAddress(settings.bindAddress().get(), 0));
            }
            plain.connect(address, (int) settings.connectTimeout().toMillis());
            // Commands are written whole; Nagle would only delay the short tail of each write.
            plain.setTcpNoDelay(true);
            channel = new SmtpChannel(plain, peer, serverName, settings);
        } catch (IOException e) {
            closeQuietly(plain);
            String message = peer + ": " + connectFailure(e, settings);
            throw e instanceof SocketTimeoutException
                ? SmtpSessionException.timedOut(Stage.CONNECT, message, e)
                : new SmtpSessionException(Stage.CONNECT, message, e);
        }
        if (settings.implicitTls()) {
            channel.startTls(Stage.CONNECT);
        }
        return channel;
    }

    /**
     * How a server appears in messages, the way Postfix writes it: "mail1.acme.test[192.0.2.1]:25", or just
     * "192.0.2.1:25" when the server name is that address.
     */
    static String describe(InetSocketAddress address, String serverName) {
        InetAddress ip = address.getAddress();
        String text = InetAddresses.toAddrString(ip);
        if (AddressLiteral.parse(serverName).filter(ip::equals).isPresent()) {
            return (text.contains(":") ? "[" + text + "]" : text) + ":" + address.getPort();
        }
        return serverName + "[" + text + "]:" + address.getPort();
    }

    private static String connectFailure(IOException e, SmtpClientSettings settings) {
        if (e instanceof SocketTimeoutException) {
            return "no connection within " + settings.connectTimeout().toMillis() + " ms";
        }
        if (e instanceof BindException) {
            return "cannot connect from local address "
                + settings.bindAddress().map(InetAddress::getHostAddress).orElse("(any)") + ": " + e.getMessage();
        }
        String message = String.valueOf(e.getMessage());
        if (e instanceof ConnectException && message.toLowerCase(Locale.ROOT).contains("refused")) {
            return "connection refused";
        }
        if (e instanceof NoRouteToHostException) {
            return "no route to host";
        }
        return "cannot connect: " + message;
    }

    String peer() {
        return peer;
    }

    boolean isOpen() {
        return open;
    }

    boolean isTls() {
        return tls;
    }

    /** Reads one reply that must arrive completely within the read timeout. */
    SmtpReply readReply(Stage stage) throws SmtpSessionException {
        return readReply(stage, settings.readTimeout());
    }

    SmtpReply readReply(Stage stage, Duration timeout) throws SmtpSessionException {
        requireOpen(stage);
        long deadline = System.nanoTime() + timeout.toNanos();
        SmtpReply reply;
        try (Watchdog.Guard guard = Watchdog.arm(plain, timeout)) {
            try {
                reply = reader.read(deadline);
            } catch (IOException e) {
                throw failure(stage, Operation.READ, e, guard.expired(), timeout);
            }
            if (guard.expired()) {
                throw failure(stage, Operation.READ, new SocketTimeoutException(), true, timeout);
            }
        }
        if (debug()) {
            for (int i = 0; i < reply.lines().size(); i++) {
                String separator = i == reply.lines().size() - 1 ? " " : "-";
                LOG.info("{} S: {}{}{}", peer, reply.code(), separator, reply.lines().get(i));
            }
        }
        return reply;
    }

    /** Writes one command line. */
    void send(Stage stage, String command) throws SmtpSessionException {
        write(stage, List.of(command), List.of(command));
    }

    /** Writes a command that carries credentials; the log shows {@code logged} instead. */
    void sendSecret(Stage stage, String command, String logged) throws SmtpSessionException {
        write(stage, List.of(command), List.of(logged));
    }

    /** Writes a group of commands in one go (RFC 2920 pipelining). */
    void sendPipelined(Stage stage, List<String> commands) throws SmtpSessionException {
        write(stage, commands, commands);
    }

    private void write(Stage stage, List<String> commands, List<String> logged) throws SmtpSessionException {
        requireOpen(stage);
        if (debug()) {
            logged.forEach(line -> LOG.info("{} C: {}", peer, line));
        }
        try (Watchdog.Guard guard = Watchdog.arm(plain, settings.readTimeout())) {
            try {
                for (String command : commands) {
                    out.write(command.getBytes(StandardCharsets.UTF_8));
                    out.write(CRLF);
                }
                out.flush();
            } catch (IOException e) {
                throw failure(stage, Operation.WRITE, e, guard.expired(), settings.readTimeout());
            }
            if (guard.expired()) {
                throw failure(stage, Operation.WRITE, new SocketTimeoutException(), true, settings.readTimeout());
            }
        }
    }

    /**
     * Writes the message as SMTP data and the final ".", all within the read timeout. When the content itself fails,
     * the connection is closed without ending the data, so the server never accepts a truncated message.
     */
    void sendMessage(MessageContent content) throws SmtpSessionException {
        Stage stage = Stage.END_OF_DATA;
        requireOpen(stage);
        FailureTrackingOutputStream connection = new FailureTrackingOutputStream(out);
        DotStuffingOutputStream data = new DotStuffingOutputStream(connection);
        writeWithinTimeout(stage, connection, () -> {
            content.writeTo(data);
            data.finish();
        });
        if (debug()) {
            LOG.info("{} C: (message data)", peer);
            LOG.info("{} C: .", peer);
        }
    }

    /**
     * Writes the commands and then the message as BDAT chunks (RFC 3030), pipelined: nothing waits for a reply, all
     * within the read timeout. Returns how many chunks were sent; each gets a reply after those to the commands. When
     * the content itself fails, the connection is closed before the last chunk, so the server never accepts a
     * truncated message. A connection failure is reported at {@code stage}: the last chunk did not get through.
     */
    int sendChunked(Stage stage, List<String> commands, MessageContent content, int chunkSize)
            throws SmtpSessionException {
        requireOpen(stage);
        if (debug()) {
            commands.forEach(line -> LOG.info("{} C: {}", peer, line));
        }
        FailureTrackingOutputStream connection = new FailureTrackingOutputStream(out);
        ChunkingOutputStream chunks = new ChunkingOutputStream(connection, chunkSize);
        writeWithinTimeout(stage, connection, () -> {
            for (String command : commands) {
                connection.write(command.getBytes(StandardCharsets.UTF_8));
                connection.write(CRLF);
            }
            content.writeTo(chunks);
            chunks.finish();
        });
        if (debug()) {
            LOG.info("{} C: (message data in {} BDAT chunks, the last with LAST)", peer, chunks.chunks());
        }
        return chunks.chunks();
    }

    /** Writes the message (and what goes with it) to {@code connection}. */
    @FunctionalInterface
    private interface MessageWrite {
        void run() throws IOException;
    }

    /**
     * Runs a write of the message, each blocking write within the read timeout (RFC 5321 4.5.3.2.5 times each TCP send
     * of a data block: a large message to a slow but reading server is not cut off). A failure of the connection, or
     * the timeout, is the session's, reported at {@code stage}; a failure reading the content is ours: the connection
     * is closed before the end of the message, so the server never accepts a truncated one.
     */
    private void writeWithinTimeout(Stage stage, FailureTrackingOutputStream connection, MessageWrite write)
            throws SmtpSessionException {
        try (Watchdog.Guard guard = Watchdog.arm(plain, settings.readTimeout())) {
            connection.reportProgressTo(guard);
            try {
                write.run();
            } catch (IOException e) {
                if (connection.failure != null || guard.expired()) {
                    IOException cause = connection.failure != null ? connection.failure : e;
                    throw failure(stage, Operation.SEND_MESSAGE, cause, guard.expired(), settings.readTimeout());
                }
                abort();
                throw SmtpSessionException.messageContentFailed(
                    peer + ": could not read the message to send: " + e.getMessage(), e);
            } catch (RuntimeException e) {
                abort();
                throw e;
            }
            if (guard.expired()) {
                throw failure(stage, Operation.SEND_MESSAGE, new SocketTimeoutException(), true, settings.readTimeout());
            }
        }
    }

    /**
     * Layers TLS over the connection. Bytes the server sent in clear after its reply to STARTTLS are dropped with the
     * old reader: nothing from before the handshake may pass as protected (RFC 3207 section 6).
     */
    void startTls(Stage stage) throws SmtpSessionException {
        requireOpen(stage);
        try (Watchdog.Guard guard = Watchdog.arm(plain, settings.readTimeout())) {
            try {
                plain.setSoTimeout((int) settings.readTimeout().toMillis());
                SSLSocket tlsSocket = TlsLayer.handshake(plain, serverName, settings);
                attach(tlsSocket);
                tls = true;
                if (debug()) {
                    LOG.info("{} TLS established: {} {}", peer, tlsSocket.getSession().getProtocol(),
                        tlsSocket.getSession().getCipherSuite());
                }
            } catch (IOException e) {
                throw failure(stage, Operation.HANDSHAKE, e, guard.expired(), settings.readTimeout());
            }
            if (guard.expired()) {
                throw failure(stage, Operation.HANDSHAKE, new SocketTimeoutException(), true, settings.readTimeout());
            }
        }
    }

    /** Closes the connection; a TLS close_notify gets at most {@code timeout}. Harmless when already closed. */
    void close(Duration timeout) {
        if (open && tls) {
            try (Watchdog.Guard guard = Watchdog.arm(plain, timeout)) {
                socket.close();
            } catch (IOException e) {
                LOG.info("{}: closing TLS failed: {}", peer, e.toString());
            }
        }
        abort();
    }

    /** Closes the socket at once, without TLS close_notify. */
    void abort() {
        open = false;
        closeQuietly(plain);
    }

    private void attach(Socket connected) throws IOException {
        socket = connected;
        reader = new ReplyReader(connected.getInputStream(), connected::setSoTimeout,
            settings.maxReplyLineLength(), settings.maxReplyLines());
        out = new BufferedOutputStream(connected.getOutputStream(), 8192);
    }

    private void requireOpen(Stage stage) throws SmtpSessionException {
        if (!open) {
            throw new SmtpSessionException(stage, peer + ": the connection is closed");
        }
    }

    private SmtpSessionException failure(Stage stage, Operation operation, IOException e, boolean expired,
                                         Duration timeout) {
        abort();
        String message = peer + ": " + describeFailure(stage, operation, e, expired, timeout);
        if (expired || e instanceof SocketTimeoutException) {
            return SmtpSessionException.timedOut(stage, message, e);
        }
        return operation == Operation.HANDSHAKE && TlsLayer.isCertificateRefused(e)
            ? SmtpSessionException.requirementUnmet(stage, message, null, e)
            : new SmtpSessionException(stage, message, e);
    }

    private String describeFailure(Stage stage, Operation operation, IOException e, boolean expired,
                                          Duration timeout) {
        String reply = stage == Stage.GREETING ? "the greeting" : "the reply to " + stage.label();
        if (expired || e instanceof SocketTimeoutException) {
            String within = " within " + timeout.toMillis() + " ms";
            return switch (operation) {
                case READ -> (stage == Stage.GREETING ? "no greeting" : "no reply to " + stage.label()) + within;
                case WRITE -> "could not send " + stage.label()
                    + within + " (the server is not reading)";
                case SEND_MESSAGE -> "could not send the message"
                    + within + " (the server is not reading)";
                case HANDSHAKE -> "no TLS handshake" + within;
            };
        }
        if (e instanceof ProtocolException) {
            return "protocol error in " + reply + ": " + e.getMessage();
        }
        if (e instanceof EOFException) {
            return "connection closed by the server while waiting for " + reply;
        }
        return switch (operation) {
            case READ -> "connection lost while waiting for " + reply + ": " + e.getMessage();
            case SEND_MESSAGE -> "connection lost while sending the message: " + e.getMessage();
            case WRITE -> "connection lost while sending " + stage.label() + ": " + e.getMessage();
            case HANDSHAKE -> "TLS handshake failed: " + TlsLayer.describeFailure(e, serverName);
        };
    }

    /**
     * The mailet's {@code debug=true} (stock: JavaMail's session debug, printed whatever the log configuration): the
     * dialogue is logged at INFO, so that it shows with James' default logging; credentials never.
     */
    private boolean debug() {
        return settings.debug() && LOG.isInfoEnabled();
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // Closing only releases resources here.
        }
    }

    /** Remembers a failure of the connection, to tell it from a failure of the message content. */
    private static final class FailureTrackingOutputStream extends FilterOutputStream {
        private IOException failure;
        private Watchdog.Guard guard;

        FailureTrackingOutputStream(OutputStream out) {
            super(out);
        }

        /** Each write that returns tells {@code guard} the transfer moved on. */
        void reportProgressTo(Watchdog.Guard guard) {
            this.guard = guard;
        }

        @Override
        public void write(int b) throws IOException {
            try {
                out.write(b);
            } catch (IOException e) {
                failure = e;
                throw e;
            }
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            try {
                out.write(bytes, offset, length);
            } catch (IOException e) {
                failure = e;
                throw e;
            }
            progressed();
        }

        @Override
        public void flush() throws IOException {
            try {
                out.flush();
            } catch (IOException e) {
                failure = e;
                throw e;
            }
            progressed();
        }

        private void progressed() {
            if (guard != null) {
                guard.progress();
            }
        }
    }
}
