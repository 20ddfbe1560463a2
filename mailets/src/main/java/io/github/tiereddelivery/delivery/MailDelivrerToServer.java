package io.github.tiereddelivery.delivery;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.stream.Stream;
import java.util.function.Supplier;

import javax.mail.MessagingException;
import javax.mail.Multipart;
import javax.mail.internet.MimeBodyPart;
import javax.mail.internet.MimeMessage;
import javax.net.ssl.SSLContext;

import org.apache.james.core.MailAddress;
import org.apache.mailet.Mail;
import org.apache.mailet.MailetContext;
import org.apache.mailet.base.Converter7Bit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.github.tiereddelivery.delivery.AttemptResult.ServerCondition;
import io.github.tiereddelivery.dsn.RecipientStatus;
import io.github.tiereddelivery.pool.ConnectionKey;
import io.github.tiereddelivery.pool.ConnectionPool;
import io.github.tiereddelivery.pool.Lease;
import io.github.tiereddelivery.routes.TlsPolicy;
import io.github.tiereddelivery.smtp.SmtpClientSettings;
import io.github.tiereddelivery.smtp.SmtpConnection;
import io.github.tiereddelivery.smtp.SmtpReply;
import io.github.tiereddelivery.smtp.SmtpSessionException;
import io.github.tiereddelivery.smtp.Stage;
import io.github.tiereddelivery.smtp.StartTlsPolicy;
import io.github.tiereddelivery.smtp.TransactionResult;

/**
 * One attempt: the recipients given, to one server, in one mail transaction on a pooled SMTP session (a connection the
 * {@link ConnectionPool} kept open since an earlier message to this server, or a new one), classified per recipient.
 */
public class MailDelivrerToServer {
    private static final Logger LOGGER = LoggerFactory.getLogger(MailDelivrerToServer.class);
    /** RFC 5321 3.8: the server is shutting down this connection. */
    private static final int SERVICE_CLOSING = 421;

    private final DeliveryConfiguration configuration;
    private final Supplier<String> heloName;
    private final OwnListeners ownListeners;
    private final Converter7Bit converter7Bit;
    private final String serverInfo;
    private final Optional<SSLContext> trusted;
    private final ConnectionPool pool;
    private final ServerHealth health;

    /**
     * @param trusted what verified TLS trusts ({@code trustStore}); empty: the JVM's default certificates
     * @param health  told of each new session a server greets us in (the attempts' results go to it from {@link MailDelivrer})
     */
    public MailDelivrerToServer(DeliveryConfiguration configuration, Supplier<String> heloName, OwnListeners ownListeners,
                                MailetContext mailetContext, Optional<SSLContext> trusted, ConnectionPool pool,
                                ServerHealth health) {
        this.configuration = configuration;
        this.heloName = heloName;
        this.ownListeners = ownListeners;
        this.converter7Bit = new Converter7Bit(mailetContext);
        this.serverInfo = mailetContext.getServerInfo();
        this.trusted = trusted;
        this.pool = pool;
        this.health = health;
    }

    /**
     * One attempt at one server. A server tried while it is down ({@code downBecause} present: no server of the route is
     * up) gets one message at a time, and the others do not wait for it: a hung server holds one delivery thread, not
     * {@code maxConnectionsPerServer} plus its waiters, and the mail of other routes goes on (Postfix, likewise, stops
     * sending a dead destination more than its probe).
     */
    public AttemptResult attempt(Mail mail, List<MailAddress> recipients, Server server, RoutePlan plan,
                                 Optional<String> downBecause) {
        String ownName = heloName.get();
        ConnectionKey key = new ConnectionKey(server.address(), server.hostname(), settings(plan, ownName, server));
        Optional<Lease> lease;
        try {
            lease = downBecause.isPresent() ? pool.leaseAlone(key) : pool.lease(key);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return stopping(mail, recipients, server);
        }
        if (lease.isEmpty()) {
            return downBecause.isPresent()
                ? beingTried(server, recipients, downBecause.get())
                : busy(server, recipients, "all its sessions stayed in use");
        }
        try (Lease session = lease.get()) {
            if (session.failedWhileWaiting()) {
                // The sessions this message waited for failed: not one more attempt at a failing server's pace.
                return failedWhileWaiting(server, recipients);
            }
            AttemptResult result = attempt(mail, recipients, server, plan, ownName, session);
            if (result.condition() == ServerCondition.FAILED) {
                // A session the server failed in is never kept (a 421 closed it already; a protocol error leaves it unknown).
                session.failed();
                session.discard();
            }
            return result;
        }
    }

    private AttemptResult attempt(Mail mail, List<MailAddress> recipients, Server server, RoutePlan plan, String ownName,
                                  Lease session) {
        try {
            return deliver(mail, recipients, server, plan, ownName, session);
        } catch (SmtpSessionException e) {
            session.discard();
            if (e.messageContentFailed()) {
                return localFailure(mail, recipients, server, e);
            }
            // A route's own TLS or AUTH requirement not met is no failure of the server: other routes' sessions with it
            // go on, and it is not put down for them (Postfix keeps such failures with the destination too).
            ServerCondition condition = e.requirementUnmet() ? ServerCondition.RESPONDED : ServerCondition.FAILED;
            return new AttemptResult(server, AttemptClassifier.classify(e, recipients, server), condition);
        } catch (MessagingException | IOException | RuntimeException e) {
            session.discard();
            return localFailure(mail, recipients, server, e);
        }
    }

    /**
     * One transaction on the lease's connection. A reused connection the server closed while it idled (its RSET fails,
     * or MAIL meets a closed socket or a 421) has not carried anything of this message: the message is sent once more
     * on a new connection, and the server is judged by that one.
     */
    private AttemptResult deliver(Mail mail, List<MailAddress> recipients, Server server, RoutePlan plan, String ownName,
                                  Lease session) throws MessagingException, IOException {
        while (true) {
            SmtpConnection connection = session.connection();
            boolean reused = session.reused();
            if (!reused) {
                health.sessionOpened(server);
            }
            Optional<String> ownNameHeard = ownNameHeard(connection, ownName);
            if (ownNameHeard.isPresent()) {
                session.discard();
                RecipientStatus status = RecipientStatus.of("4.4.6", "mail loop: " + plan.describe() + " leads to " + server
                    + ", which " + ownNameHeard.get() + "; fix the route or the heloName");
                LOGGER.warn("TieredRemoteDelivery: {}", status.diagnostic());
                return AttemptResult.same(server, recipients, new RecipientResult(Verdict.SERVER_FAILED, status), ServerCondition.FAILED);
            }
            if (!connection.capabilities().supports("8BITMIME")) {
                // RFC 6152: 8-bit content may only be sent to servers that announce 8BITMIME.
                convertTo7Bit(mail.getMessage());
            }
            Optional<RecipientStatus> tooLarge = exceedsSizeLimit(mail, connection, server);
            if (tooLarge.isPresent()) {
                if (!reused) {
                    return AttemptResult.same(server, recipients, new RecipientResult(Verdict.REJECTED, tooLarge.get()),
                        ServerCondition.RESPONDED);
                }
                // What a kept session announced may be out of date (the server restarted with a larger limit): the
                // mail is bounced only on what a new session announces.
                LOGGER.debug("{}: {} on a reused connection; asked again on a new connection", server, tooLarge.get().diagnostic());
                session.discard();
                continue;
            }
            try {
                TransactionResult transaction = connection.send(Envelopes.of(mail, recipients, connection.capabilities()),
                    new MailContent(mail));
                if (!reused || transaction.mailReply().code() != SERVICE_CLOSING) {
                    return withTheRecipientsOverTheLimit(mail, recipients, server, session, connection, transaction);
                }
                LOGGER.debug("{}: the reused connection got {}; the mail goes on a new connection", server,
                    transaction.mailReply().asString());
            } catch (SmtpSessionException e) {
                if (!reused || !isStale(e)) {
                    throw e;
                }
                LOGGER.debug("{}: the reused connection failed before the transaction ({}); the mail goes on a new connection",
                    server, e.getMessage());
            }
            session.discard();
        }
    }

    /**
     * RFC 5321 4.5.3.1.10: a server that takes so many recipients per transaction refuses the others with "452 too many
     * recipients"; they go in the next transaction of the same session, as long as each one delivers to some (Sendmail
     * does the same), instead of waiting a {@code delayTime} each. Recipients already delivered keep their verdict
     * whatever happens to the next transactions.
     */
    private AttemptResult withTheRecipientsOverTheLimit(Mail mail, List<MailAddress> recipients, Server server, Lease session,
                                                        SmtpConnection connection, TransactionResult first) {
        Map<MailAddress, RecipientResult> results = new LinkedHashMap<>(AttemptClassifier.classify(first, recipients, server));
        ServerCondition condition = condition(first);
        TransactionResult last = first;
        List<MailAddress> rest = overTheLimit(first, recipients);
        while (!rest.isEmpty() && last.messageAccepted() && connection.isUsable()) {
            LOGGER.debug("{}: {} recipients over its limit per transaction go in the next one", server, rest.size());
            try {
                last = connection.send(Envelopes.of(mail, rest, connection.capabilities()), new MailContent(mail));
            } catch (SmtpSessionException e) {
                session.discard();
                results.putAll(AttemptClassifier.classify(e, rest, server));
                return new AttemptResult(server, results, e.messageContentFailed() ? condition : ServerCondition.FAILED);
            } catch (MessagingException e) {
                session.discard();
                results.putAll(localFailure(mail, rest, server, e).results());
                return new AttemptResult(server, results, condition);
            }
            results.putAll(AttemptClassifier.classify(last, rest, server));
            condition = condition == ServerCondition.FAILED ? condition : condition(last);
            rest = overTheLimit(last, rest);
        }
        return new AttemptResult(server, results, condition);
    }

    private static List<MailAddress> overTheLimit(TransactionResult transaction, List<MailAddress> recipients) {
        return recipients.stream()
            .filter(recipient -> Optional.ofNullable(transaction.recipientReplies().get(recipient.asString()))
                .filter(SmtpReply::refusesForTooManyRecipients).isPresent())
            .toList();
    }

    /**
     * RFC 1870: a message larger than the SIZE the server announced is not sent (pipelined MAIL, RCPT and BDAT would
     * send it all before the 552 is read). A permanent 5.3.4 for every recipient, as Postfix makes it: a bounce.
     */
    private static Optional<RecipientStatus> exceedsSizeLimit(Mail mail, SmtpConnection connection, Server server)
            throws MessagingException {
        OptionalLong limit = connection.capabilities().maxSize();
        if (limit.isEmpty()) {
            return Optional.empty();
        }
        long size = mail.getMessageSize();
        if (size <= limit.getAsLong()) {
            return Optional.empty();
        }
        return Optional.of(new RecipientStatus("5.3.4", RecipientStatus.TIERED_DELIVERY, "message size " + size
            + " exceeds the size limit " + limit.getAsLong() + " announced by " + server.describe() + "; not sent",
            Optional.of(server.hostname())));
    }

    /**
     * A reused connection that fails at RSET, or at MAIL without a timeout (the server closed or reset it, which fails
     * at once), went stale while it idled. A timeout is a hung server: judged, not retried.
     */
    private static boolean isStale(SmtpSessionException failure) {
        return failure.stage() == Stage.RSET || failure.stage() == Stage.MAIL && !failure.timedOut();
    }

    /**
     * The server has all its sessions ({@code maxConnectionsPerServer}) in use: the mail does not wait for it beyond the
     * busy wait, and the next server takes it. The server is not judged: it may only be slow.
     */
    private AttemptResult busy(Server server, List<MailAddress> recipients, String why) {
        RecipientStatus status = RecipientStatus.of("4.4.5", server.describe() + ": busy, " + why + " ("
            + pool.limits().maxConnectionsPerServer() + " sessions at most, waited up to "
            + pool.limits().busyWait().toMillis() + " ms)");
        LOGGER.debug("{}", status.diagnostic());
        return AttemptResult.same(server, recipients, new RecipientResult(Verdict.SERVER_BUSY, status), ServerCondition.NOT_ASSESSED);
    }

    /**
     * The server is down and another message is trying it: it failed for this mail as it did for the last one, whose
     * error is given; if no other server takes the mail, it waits for its next {@code delayTime} (a retry, counted).
     */
    private static AttemptResult beingTried(Server server, List<MailAddress> recipients, String lastError) {
        RecipientStatus status = RecipientStatus.of("4.4.1", lastError + " (down; another message is trying "
            + server.describe() + ", this one was not sent to it)");
        LOGGER.debug("{}", status.diagnostic());
        return AttemptResult.same(server, recipients, new RecipientResult(Verdict.SERVER_FAILED, status), ServerCondition.NOT_ASSESSED);
    }

    /**
     * The sessions this mail waited for failed meanwhile: the server failed for it as it would have when tried, so it
     * moves on (and, if no other server takes it, waits for its next {@code delayTime}), without judging the server
     * again: the sessions that failed did.
     */
    private AttemptResult failedWhileWaiting(Server server, List<MailAddress> recipients) {
        RecipientStatus status = RecipientStatus.of("4.4.2", server.describe() + ": its sessions failed while this mail "
            + "waited for one");
        return AttemptResult.same(server, recipients, new RecipientResult(Verdict.SERVER_FAILED, status), ServerCondition.NOT_ASSESSED);
    }

    /** Reading or converting the message failed on our side: not the server's fault; the next server may try. */
    /** The delivery thread was interrupted while it waited for a session: James is stopping. Nothing was sent. */
    private static AttemptResult stopping(Mail mail, List<MailAddress> recipients, Server server) {
        LOGGER.info("Mail {}: not sent to {}: James is stopping", mail.getName(), server);
        RecipientStatus status = RecipientStatus.of("4.3.0", "not sent to " + server.describe() + ": James was stopping");
        return AttemptResult.same(server, recipients, new RecipientResult(Verdict.SERVER_FAILED, status), ServerCondition.NOT_ASSESSED);
    }

    private static AttemptResult localFailure(Mail mail, List<MailAddress> recipients, Server server, Exception e) {
        LOGGER.warn("Mail {}: cannot prepare the message for {}: {}", mail.getName(), server, e.toString());
        RecipientStatus status = RecipientStatus.of("4.3.0", "local problem reading the message: " + e.getMessage());
        return AttemptResult.same(server, recipients, new RecipientResult(Verdict.SERVER_FAILED, status), ServerCondition.NOT_ASSESSED);
    }

    /**
     * RFC 5321 4.2.2: 421 means the server is closing the channel, whatever the command. A success to DATA other than 354
     * leaves the session in a state nobody knows: the server failed, and the connection is not kept.
     */
    private static ServerCondition condition(TransactionResult transaction) {
        boolean closing = Stream.concat(Stream.of(transaction.mailReply()), Stream.concat(transaction.recipientReplies().values().stream(),
                Stream.concat(transaction.dataReply().stream(), transaction.messageReply().stream())))
            .anyMatch(reply -> reply.code() == 421);
        boolean protocolError = transaction.dataReply().filter(reply -> reply.isPositive() && reply.code() != 354).isPresent();
        return closing || protocolError ? ServerCondition.FAILED : ServerCondition.RESPONDED;
    }

    /**
     * A single-part message by James' Converter7Bit; a multipart one here: James' converter re-encodes the parts of a
     * multipart that James' message then does not write (it sends its stored body, 8-bit parts included, as stock
     * does). The parts are re-encoded in one multipart, which is then set as the message's content.
     */
    private void convertTo7Bit(MimeMessage message) throws MessagingException, IOException {
        if (!message.isMimeType("multipart/*")) {
            converter7Bit.convertTo7Bit(message);
            return;
        }
        Multipart multipart = (Multipart) message.getContent();
        if (convertParts(multipart)) {
            message.setContent(multipart);
            message.saveChanges();
        }
    }

    /** Whether a part was re-encoded: text as quoted-printable, anything else as base64 (as James' converter does). */
    private boolean convertParts(Multipart multipart) throws MessagingException, IOException {
        boolean converted = false;
        for (int i = 0; i < multipart.getCount(); i++) {
            MimeBodyPart part = (MimeBodyPart) multipart.getBodyPart(i);
            if ("8bit".equalsIgnoreCase(part.getEncoding())) {
                String encoding = part.isMimeType("text/*") ? "quoted-printable" : "base64";
                part.setContent(part.getContent(), part.getContentType());
                part.setHeader("Content-Transfer-Encoding", encoding);
                part.addHeader("X-MIME-Autoconverted", "from 8bit to " + encoding + " by " + serverInfo);
                converted = true;
            } else if (part.isMimeType("multipart/*")) {
                Multipart nested = (Multipart) part.getContent();
                if (convertParts(nested)) {
                    part.setContent(nested);
                    converted = true;
                }
            }
        }
        return converted;
    }

    /**
     * Postfix's "host greeted me with my own hostname": the route leads back to this James. Only a fully qualified
     * name is compared; a "localhost" HELO name (James' default domain) would match unrelated servers.
     */
    /**
     * How the server showed it is this James: it greets with, or answers EHLO with, this James' heloName (when it is
     * a fully qualified name) or the name one of its SMTP servers gives itself. Empty when it is another server.
     */
    private Optional<String> ownNameHeard(SmtpConnection connection, String ownName) {
        List<String> lines = connection.greeting().lines();
        String greeter = lines.isEmpty() ? "" : lines.get(0).trim().split("\\s+", 2)[0];
        boolean qualifiedHeloName = ownName.contains(".") && !ownName.toLowerCase(Locale.ROOT).startsWith("localhost");
        if (qualifiedHeloName && greeter.equalsIgnoreCase(ownName)) {
            return Optional.of("greets with this James' own name " + ownName);
        }
        if (ownListeners.isOwnName(greeter)) {
            return Optional.of("greets with the name of this James' SMTP server, " + greeter);
        }
        String ehloName = connection.ehloName();
        if (qualifiedHeloName && ehloName.equalsIgnoreCase(ownName) || ownListeners.isOwnName(ehloName)) {
            return Optional.of("answers EHLO as " + ehloName + ", the name of this James");
        }
        return Optional.empty();
    }

    private SmtpClientSettings settings(RoutePlan plan, String ownName, Server server) {
        TlsPolicy tls = plan.tls().orElse(configuration.startTls() ? TlsPolicy.OPPORTUNISTIC : TlsPolicy.NONE);
        SmtpClientSettings.Builder settings = SmtpClientSettings.builder()
            .heloName(ownName)
            .connectTimeout(configuration.connectionTimeout())
            .readTimeout(configuration.smtpTimeout())
            .implicitTls(configuration.sslEnable())
            .startTls(startTlsPolicy(tls))
            // Opportunistic TLS encrypts whatever certificate the server shows (Postfix "may"); verifying without
            // enforcing would only turn a self-signed server into a failure. Required TLS (SPEC) and implicit TLS (as
            // stock's JavaMail) verify the chain; stock's verifyServerIdentity is the host name check, which a route's
            // tls="required" always makes (SPEC: "required verifies the certificate and host name").
            // JavaMail's mail.smtp(s).ssl.trust lets stock configurations reach a self-signed SMTPS server.
            .verifyCertificates(tls == TlsPolicy.REQUIRED || configuration.sslEnable() && !configuration.sslTrusts(server.hostname()))
            .verifyHostName(tls == TlsPolicy.REQUIRED || configuration.verifyServerIdentity())
            .debug(configuration.debug());
        configuration.bind().ifPresent(settings::bindAddress);
        trusted.ifPresent(settings::sslContext);
        plan.credentials().ifPresent(settings::credentials);
        return settings.build();
    }

    private static StartTlsPolicy startTlsPolicy(TlsPolicy tls) {
        switch (tls) {
            case REQUIRED:
                return StartTlsPolicy.REQUIRED;
            case OPPORTUNISTIC:
                return StartTlsPolicy.OPPORTUNISTIC;
            default:
                return StartTlsPolicy.NEVER;
        }
    }
}
