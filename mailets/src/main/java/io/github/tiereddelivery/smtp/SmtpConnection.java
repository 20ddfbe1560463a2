package io.github.tiereddelivery.smtp;

import static java.util.Objects.requireNonNull;

import java.io.Closeable;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An SMTP client session with one server (RFC 5321), ready for mail transactions once {@link #open} returns. Reports
 * what happened stage by stage: session failures as {@link SmtpSessionException}, replies to MAIL, RCPT, DATA and the
 * end of data in a {@link TransactionResult}. Several transactions may run in a row. Not thread-safe.
 */
public final class SmtpConnection implements Closeable {

    private static final Logger LOG = LoggerFactory.getLogger(SmtpConnection.class);
    /** How long {@link #quit()} waits for the reply to QUIT. */
    private static final Duration QUIT_WAIT = Duration.ofSeconds(1);
    /** RFC 5321 3.8: the server is shutting down this connection. */
    private static final int SERVICE_CLOSING = 421;
    private static final int START_MAIL_INPUT = 354;
    private static final int AUTH_CONTINUE = 334;
    /** Messages up to this size go in one BDAT chunk; larger ones in chunks of it (bounded memory per session). */
    static final int CHUNK_SIZE = 1024 * 1024;

    private final SmtpChannel channel;
    private final InetSocketAddress address;
    private final String serverName;
    private final SmtpClientSettings settings;
    private SmtpReply greeting;
    /** The domain the server named first in its reply to EHLO (or HELO), RFC 5321 4.1.1.1. */
    private String ehloName = "";
    private EhloCapabilities capabilities = EhloCapabilities.none();
    /** A transaction did not end with the reply to the final ".": RSET before the next one. */
    private boolean resetNeeded;

    private SmtpConnection(SmtpChannel channel, InetSocketAddress address, String serverName,
                           SmtpClientSettings settings) {
        this.channel = channel;
        this.address = address;
        this.serverName = serverName;
        this.settings = settings;
    }

    /**
     * Connects and prepares the session: greeting (must be 2xx), EHLO (HELO when EHLO gets a 5xx), STARTTLS as the
     * settings ask (then EHLO again), AUTH when credentials are set and the server advertises AUTH.
     *
     * @param address    where to connect (resolved; this class does no DNS look-ups)
     * @param serverName the name the route or MX record gave, e.g. "mail1.acme.test", or an address literal; used for
     *                   TLS (SNI, certificate name) and in messages
     * @throws SmtpSessionException when any step fails; its stage says which (the connection is then closed)
     */
    public static SmtpConnection open(InetSocketAddress address, String serverName, SmtpClientSettings settings)
            throws SmtpSessionException {
        requireNonNull(address, "address");
        requireNonNull(serverName, "serverName");
        requireNonNull(settings, "settings");
        if (address.isUnresolved()) {
            throw new IllegalArgumentException("address must be resolved, got " + address);
        }
        SmtpConnection connection = new SmtpConnection(SmtpChannel.connect(address, serverName, settings),
            address, serverName, settings);
        try {
            connection.startSession();
        } catch (SmtpSessionException e) {
            connection.quit();
            if (fallsBackToClearText(e, settings)) {
                // Postfix at "may": a failed handshake is followed by delivery to the same server in clear text; else
                // a server with broken TLS would get no mail at all, where no STARTTLS offer at all gets it.
                LOG.info("{}: {}; delivering over a new connection in clear text, as opportunistic TLS allows",
                    serverName, e.getMessage());
                return open(address, serverName, settings.toBuilder().startTls(StartTlsPolicy.NEVER).build());
            }
            throw e;
        }
        return connection;
    }

    /** A TLS handshake that failed (not timed out: a hung server would cost a second timeout) when TLS was optional. */
    private static boolean fallsBackToClearText(SmtpSessionException failure, SmtpClientSettings settings) {
        return settings.startTls() == StartTlsPolicy.OPPORTUNISTIC && failure.stage() == Stage.STARTTLS
            && failure.reply().isEmpty() && !failure.timedOut();
    }

    private void startSession() throws SmtpSessionException {
        greeting = read(Stage.GREETING);
        if (!greeting.isPositive()) {
            throw rejected(Stage.GREETING, "greeting " + greeting.asString(), greeting);
        }
        capabilities = ehlo();
        if (!channel.isTls()) {
            startTlsAsRequired();
        }
        authenticate();
    }

    private EhloCapabilities ehlo() throws SmtpSessionException {
        SmtpReply ehlo = command(Stage.EHLO, "EHLO " + settings.heloName());
        if (ehlo.isPositive()) {
            ehloName = firstWord(ehlo);
            return EhloCapabilities.parse(ehlo);
        }
        if (!ehlo.isPermanent()) {
            throw rejected(Stage.EHLO, "EHLO rejected: " + ehlo.asString(), ehlo);
        }
        // RFC 5321 4.1.4: a server that does not know EHLO still knows HELO.
        SmtpReply helo = command(Stage.EHLO, "HELO " + settings.heloName());
        if (!helo.isPositive()) {
            throw rejected(Stage.EHLO, "EHLO rejected (" + ehlo.asString() + "), then HELO rejected: "
                + helo.asString(), helo);
        }
        ehloName = firstWord(helo);
        return EhloCapabilities.none();
    }

    private static String firstWord(SmtpReply reply) {
        return reply.lines().isEmpty() ? "" : reply.lines().get(0).strip().split("\\s+", 2)[0];
    }

    private void startTlsAsRequired() throws SmtpSessionException {
        if (settings.startTls() == StartTlsPolicy.NEVER) {
            return;
        }
        if (!capabilities.supports("STARTTLS")) {
            if (settings.startTls() == StartTlsPolicy.REQUIRED) {
                throw SmtpSessionException.requirementUnmet(Stage.STARTTLS, channel.peer()
                    + ": TLS is required but the server does not offer STARTTLS", null, null);
            }
            return;
        }
        SmtpReply reply = command(Stage.STARTTLS, "STARTTLS");
        if (!reply.isPositive()) {
            if (settings.startTls() == StartTlsPolicy.OPPORTUNISTIC && reply.code() != SERVICE_CLOSING) {
                // RFC 3207 4: the client decides; Postfix at "may" goes on in clear text in the same session.
                LOG.info("{}: STARTTLS refused ({}); going on in clear text, as opportunistic TLS allows",
                    serverName, reply.asString());
                return;
            }
            throw rejected(Stage.STARTTLS, "STARTTLS rejected: " + reply.asString(), reply);
        }
        channel.startTls(Stage.STARTTLS);
        // RFC 3207 4.2: forget what the server said before TLS and ask again.
        capabilities = ehlo();
    }

    /** Like JavaMail: credentials are only used when the server advertises AUTH. */
    private void authenticate() throws SmtpSessionException {
        Optional<Credentials> credentials = settings.credentials();
        Set<String> mechanisms = capabilities.authMechanisms();
        if (credentials.isEmpty() || mechanisms.isEmpty()) {
            return;
        }
        if (mechanisms.contains("PLAIN")) {
            authPlain(credentials.get());
        } else if (mechanisms.contains("LOGIN")) {
            authLogin(credentials.get());
        } else {
            throw SmtpSessionException.requirementUnmet(Stage.AUTH, channel.peer() + ": the server offers AUTH "
                + mechanisms + " but this client supports only PLAIN and LOGIN", null, null);
        }
    }

    /** RFC 4616, with the initial response (RFC 4954 4). */
    private void authPlain(Credentials credentials) throws SmtpSessionException {
        String response = base64("\0" + credentials.username() + "\0" + credentials.password());
        channel.sendSecret(Stage.AUTH, "AUTH PLAIN " + response, "AUTH PLAIN (credentials hidden)");
        SmtpReply reply = read(Stage.AUTH);
        if (!reply.isPositive()) {
            throw rejected(Stage.AUTH, "AUTH PLAIN rejected: " + reply.asString(), reply);
        }
    }

    /** The de-facto LOGIN mechanism: user name and password each answer a 334 challenge. */
    private void authLogin(Credentials credentials) throws SmtpSessionException {
        SmtpReply reply = command(Stage.AUTH, "AUTH LOGIN");
        if (reply.code() == AUTH_CONTINUE) {
            channel.sendSecret(Stage.AUTH, base64(credentials.username()), "(user name hidden)");
            reply = read(Stage.AUTH);
        }
        if (reply.code() == AUTH_CONTINUE) {
            channel.sendSecret(Stage.AUTH, base64(credentials.password()), "(password hidden)");
            reply = read(Stage.AUTH);
        }
        if (!reply.isPositive()) {
            throw rejected(Stage.AUTH, "AUTH LOGIN rejected: " + reply.asString(), reply);
        }
    }

    /**
     * Runs one mail transaction: MAIL FROM, RCPT TO for each recipient, and DATA with the message when at least one
     * recipient was accepted. With PIPELINING (RFC 2920) MAIL, every RCPT and DATA go in one write and their replies
     * come back in one read: one round trip before the message, one after it. With PIPELINING and CHUNKING (RFC 3030)
     * the message goes in BDAT chunks in that same write: one round trip in all. Negative replies come back in the
     * result; a transaction left open is reset (RSET) before the next one.
     *
     * @throws SmtpSessionException on I/O errors, timeouts, protocol errors, or a failing RSET before the transaction
     */
    public TransactionResult send(Envelope envelope, MessageContent content) throws SmtpSessionException {
        requireNonNull(envelope, "envelope");
        requireNonNull(content, "content");
        if (resetNeeded) {
            reset();
        }
        resetNeeded = true;
        String mailCommand = withParameters("MAIL FROM:<" + envelope.reversePath() + ">", envelope.mailParameters());
        List<String> rcptCommands = envelope.recipients().stream()
            .map(recipient -> withParameters("RCPT TO:<" + recipient.address() + ">", recipient.rcptParameters()))
            .toList();
        if (capabilities.supports("PIPELINING") && capabilities.supports("CHUNKING")) {
            return sendChunked(envelope, mailCommand, rcptCommands, content);
        }
        return capabilities.supports("PIPELINING")
            ? sendPipelined(envelope, mailCommand, rcptCommands, content)
            : sendInLockStep(envelope, mailCommand, rcptCommands, content);
    }

    /**
     * RFC 3030 with RFC 2920: MAIL, every RCPT and the message in BDAT chunks in one write, every reply in one read: a
     * whole transaction in one round trip (DATA needs two: its 354 comes before the message may be sent). A refused
     * chunk refuses the message; the server still reads the chunks announced, so the session stays in step. When no
     * recipient is accepted the server refuses the chunks and nothing is delivered; the bytes are the price of the
     * round trip saved.
     */
    private TransactionResult sendChunked(Envelope envelope, String mailCommand, List<String> rcptCommands,
                                          MessageContent content) throws SmtpSessionException {
        long writeStart = System.nanoTime();
        int chunks = channel.sendChunked(Stage.MAIL, group(mailCommand, rcptCommands), content, CHUNK_SIZE);
        Duration stillInFlight = stillInFlight(writeStart);
        EnvelopeReplies envelopeReplies = readPipelinedEnvelopeReplies(envelope);
        SmtpReply mailReply = envelopeReplies.mail();
        Map<String, SmtpReply> recipientReplies = envelopeReplies.recipients();
        if (envelopeReplies.sessionEnded()) {
            return new TransactionResult(mailReply, recipientReplies, Optional.empty(), Optional.empty());
        }
        SmtpReply messageReply = null;
        for (int chunk = 0; chunk < chunks && channel.isOpen(); chunk++) {
            SmtpReply reply = read(Stage.END_OF_DATA, stillInFlight);
            if (messageReply == null && (!reply.isPositive() || chunk == chunks - 1)) {
                messageReply = reply;
            }
        }
        // The reply to the LAST chunk ends the transaction (RFC 3030 2); a refused chunk leaves it to RSET.
        resetNeeded = messageReply == null || !messageReply.isPositive();
        if (!mailReply.isPositive()) {
            return new TransactionResult(mailReply, Map.of(), Optional.empty(), Optional.empty());
        }
        if (recipientReplies.values().stream().noneMatch(SmtpReply::isPositive)) {
            return new TransactionResult(mailReply, recipientReplies, Optional.empty(), Optional.empty());
        }
        return new TransactionResult(mailReply, recipientReplies, Optional.empty(), Optional.ofNullable(messageReply));
    }

    /**
     * RFC 2920: DATA may end a pipelined group, and the client must then check every reply: when no recipient was
     * accepted but DATA was (354), it ends the empty data with "." at once (section 3.1).
     */
    private TransactionResult sendPipelined(Envelope envelope, String mailCommand, List<String> rcptCommands,
                                            MessageContent content) throws SmtpSessionException {
        channel.sendPipelined(Stage.MAIL, group(mailCommand, rcptCommands, "DATA"));
        EnvelopeReplies envelopeReplies = readPipelinedEnvelopeReplies(envelope);
        SmtpReply mailReply = envelopeReplies.mail();
        Map<String, SmtpReply> recipientReplies = envelopeReplies.recipients();
        if (envelopeReplies.sessionEnded()) {
            return new TransactionResult(mailReply, recipientReplies, Optional.empty(), Optional.empty());
        }
        SmtpReply dataReply = read(Stage.DATA);
        boolean accepted = mailReply.isPositive() && recipientReplies.values().stream().anyMatch(SmtpReply::isPositive);
        if (dataReply.code() == START_MAIL_INPUT && !accepted) {
            channel.sendMessage(out -> { });
            read(Stage.END_OF_DATA);
        }
        if (!mailReply.isPositive()) {
            return new TransactionResult(mailReply, Map.of(), Optional.empty(), Optional.empty());
        }
        if (dataReply.code() != START_MAIL_INPUT || !accepted) {
            return new TransactionResult(mailReply, recipientReplies, Optional.of(dataReply), Optional.empty());
        }
        return new TransactionResult(mailReply, recipientReplies, Optional.of(dataReply), Optional.of(sendData(content)));
    }

    /** MAIL, every RCPT, then {@code more} (DATA; nothing before BDAT chunks): one pipelined group. */
    private static List<String> group(String mailCommand, List<String> rcptCommands, String... more) {
        List<String> commands = new ArrayList<>(rcptCommands.size() + 1 + more.length);
        commands.add(mailCommand);
        commands.addAll(rcptCommands);
        commands.addAll(List.of(more));
        return commands;
    }

    /**
     * The replies to MAIL and to the RCPT commands of a pipelined group, in order.
     *
     * @param sessionEnded the server closed the session before the rest of the group was answered: a 421 to MAIL (then
     *                     no recipient reply is read) or to a RCPT
     */
    private record EnvelopeReplies(SmtpReply mail, Map<String, SmtpReply> recipients, boolean sessionEnded) {
    }

    private EnvelopeReplies readPipelinedEnvelopeReplies(Envelope envelope) throws SmtpSessionException {
        SmtpReply mailReply = read(Stage.MAIL);
        if (mailReply.code() == SERVICE_CLOSING) {
            return new EnvelopeReplies(mailReply, Map.of(), true);
        }
        Map<String, SmtpReply> recipientReplies = new LinkedHashMap<>();
        readRecipientReplies(envelope.recipients(), index -> read(Stage.RCPT), recipientReplies);
        return new EnvelopeReplies(mailReply, recipientReplies, !channel.isOpen());
    }

    /** Without PIPELINING: each command waits for the reply to the previous one. */
    private TransactionResult sendInLockStep(Envelope envelope, String mailCommand, List<String> rcptCommands,
                                             MessageContent content) throws SmtpSessionException {
        SmtpReply mailReply = command(Stage.MAIL, mailCommand);
        if (!mailReply.isPositive()) {
            return new TransactionResult(mailReply, Map.of(), Optional.empty(), Optional.empty());
        }
        Map<String, SmtpReply> recipientReplies = new LinkedHashMap<>();
        readRecipientReplies(envelope.recipients(), index -> command(Stage.RCPT, rcptCommands.get(index)),
            recipientReplies);
        if (!channel.isOpen() || recipientReplies.values().stream().noneMatch(SmtpReply::isPositive)) {
            return new TransactionResult(mailReply, recipientReplies, Optional.empty(), Optional.empty());
        }
        SmtpReply dataReply = command(Stage.DATA, "DATA");
        if (dataReply.code() != START_MAIL_INPUT) {
            return new TransactionResult(mailReply, recipientReplies, Optional.of(dataReply), Optional.empty());
        }
        return new TransactionResult(mailReply, recipientReplies, Optional.of(dataReply), Optional.of(sendData(content)));
    }

    /**
     * The message, the final "." and its reply. RFC 5321 4.1.1.4: that reply ends the transaction and the server
     * clears its buffers, so the next MAIL needs no RSET (4.1.4).
     */
    private SmtpReply sendData(MessageContent content) throws SmtpSessionException {
        long writeStart = System.nanoTime();
        channel.sendMessage(content);
        SmtpReply messageReply = read(Stage.END_OF_DATA, stillInFlight(writeStart));
        resetNeeded = false;
        return messageReply;
    }

    /** Gets the reply to the RCPT of the recipient at {@code index}: reads it, or sends the command and reads. */
    @FunctionalInterface
    private interface RecipientReply {
        SmtpReply get(int index) throws SmtpSessionException;
    }

    /**
     * One reply per recipient. After a 421 the server closes the connection: the recipients it did not answer get
     * that 421.
     */
    private static void readRecipientReplies(List<EnvelopeRecipient> recipients, RecipientReply source,
                                             Map<String, SmtpReply> replies) throws SmtpSessionException {
        SmtpReply closing = null;
        for (int i = 0; i < recipients.size(); i++) {
            SmtpReply reply = closing != null ? closing : source.get(i);
            if (reply.code() == SERVICE_CLOSING) {
                closing = reply;
            }
            replies.put(recipients.get(i).address(), reply);
        }
    }

    /**
     * RSET (RFC 5321 4.1.1.5): aborts the current transaction. {@link #send} calls it only when the previous
     * transaction did not end with the reply to the final "." (RFC 5321 4.1.4: MAIL may follow a concluded
     * transaction directly). A refused RSET leaves the session in an unknown state: the connection is closed.
     */
    public void reset() throws SmtpSessionException {
        SmtpReply reply = command(Stage.RSET, "RSET");
        if (!reply.isPositive()) {
            channel.abort();
            throw rejected(Stage.RSET, "RSET rejected: " + reply.asString(), reply);
        }
        resetNeeded = false;
    }

    /** Sends QUIT, waits briefly for the reply and closes the connection. Never throws; harmless when closed. */
    public void quit() {
        Duration wait = settings.readTimeout().compareTo(QUIT_WAIT) < 0 ? settings.readTimeout() : QUIT_WAIT;
        if (channel.isOpen()) {
            try {
                channel.send(Stage.QUIT, "QUIT");
                channel.readReply(Stage.QUIT, wait);
            } catch (SmtpSessionException e) {
                LOG.debug("{}", e.getMessage());
            }
        }
        channel.close(wait);
    }

    /** {@link #quit()}. */
    @Override
    public void close() {
        quit();
    }

    /** False after an I/O error, a timeout, a 421 reply, a refused RSET or {@link #quit()}. */
    public boolean isUsable() {
        return channel.isOpen();
    }

    /** The extensions of the last EHLO (after STARTTLS: the EHLO over TLS); none after HELO. */
    public EhloCapabilities capabilities() {
        return capabilities;
    }

    public boolean isTlsActive() {
        return channel.isTls();
    }

    public SmtpReply greeting() {
        return greeting;
    }

    /** The name the server gave itself in its reply to EHLO (or HELO): its domain, by RFC 5321; may be empty. */
    public String ehloName() {
        return ehloName;
    }

    public InetSocketAddress remoteAddress() {
        return address;
    }

    public String serverName() {
        return serverName;
    }

    @Override
    public String toString() {
        return "SmtpConnection[" + channel.peer() + (channel.isOpen() ? "" : ", closed") + "]";
    }

    private SmtpReply command(Stage stage, String command) throws SmtpSessionException {
        channel.send(stage, command);
        return read(stage);
    }

    private SmtpReply read(Stage stage) throws SmtpSessionException {
        return read(stage, Duration.ZERO);
    }

    /**
     * The reply to the message waits {@code timeout} from when the server may have read the end of the data: the last
     * write returned when the bytes went into this machine's socket buffers (megabytes, with TCP auto-tuning), which
     * a slow server may take as long to read as the writing took. RFC 5321 4.5.3.2.6: a spurious timeout there makes
     * the server deliver the message twice.
     */
    private SmtpReply read(Stage stage, Duration stillInFlight) throws SmtpSessionException {
        SmtpReply reply = channel.readReply(stage, settings.readTimeout().plus(stillInFlight));
        if (reply.code() == SERVICE_CLOSING) {
            channel.abort();
        }
        return reply;
    }

    /** At most as long as writing the message took: what was left in the socket buffers drains no slower. */
    private static Duration stillInFlight(long writeStartNanos) {
        return Duration.ofNanos(System.nanoTime() - writeStartNanos);
    }

    /**
     * A negative reply that ends the session. To STARTTLS or AUTH it refuses what this session requires (TLS, these
     * credentials), not the session itself, unless it is a 421 (RFC 5321 4.2.2: the server is closing the channel).
     */
    private SmtpSessionException rejected(Stage stage, String what, SmtpReply reply) {
        String message = channel.peer() + ": " + what;
        return (stage == Stage.STARTTLS || stage == Stage.AUTH) && reply.code() != SERVICE_CLOSING
            ? SmtpSessionException.requirementUnmet(stage, message, reply, null)
            : new SmtpSessionException(stage, message, reply);
    }

    private static String withParameters(String command, List<String> parameters) {
        return parameters.isEmpty() ? command : command + " " + String.join(" ", parameters);
    }

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }
}
