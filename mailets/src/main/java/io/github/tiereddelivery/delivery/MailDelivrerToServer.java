package io.github.tiereddelivery.delivery;

import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import java.util.function.Supplier;

import javax.mail.MessagingException;
import javax.net.ssl.SSLContext;

import org.apache.james.core.MailAddress;
import org.apache.mailet.Mail;
import org.apache.mailet.MailetContext;
import org.apache.mailet.base.Converter7Bit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.github.tiereddelivery.delivery.AttemptResult.ServerCondition;
import io.github.tiereddelivery.dsn.RecipientStatus;
import io.github.tiereddelivery.routes.TlsPolicy;
import io.github.tiereddelivery.smtp.SmtpClientSettings;
import io.github.tiereddelivery.smtp.SmtpConnection;
import io.github.tiereddelivery.smtp.SmtpSessionException;
import io.github.tiereddelivery.smtp.StartTlsPolicy;
import io.github.tiereddelivery.smtp.TransactionResult;

/** One attempt: one SMTP session with one server for the recipients given, classified per recipient. */
public class MailDelivrerToServer {
    private static final Logger LOGGER = LoggerFactory.getLogger(MailDelivrerToServer.class);

    private final DeliveryConfiguration configuration;
    private final Supplier<String> heloName;
    private final Converter7Bit converter7Bit;
    private final Optional<SSLContext> trusted;

    /** @param trusted what verified TLS trusts ({@code trustStore}); empty: the JVM's default certificates */
    public MailDelivrerToServer(DeliveryConfiguration configuration, Supplier<String> heloName, MailetContext mailetContext,
                                Optional<SSLContext> trusted) {
        this.configuration = configuration;
        this.heloName = heloName;
        this.converter7Bit = new Converter7Bit(mailetContext);
        this.trusted = trusted;
    }

    public AttemptResult attempt(Mail mail, List<MailAddress> recipients, Server server, RoutePlan plan) {
        String ownName = heloName.get();
        try (SmtpConnection connection = SmtpConnection.open(server.address(), server.hostname(), settings(plan, ownName))) {
            if (greetsWithOwnName(connection, ownName)) {
                RecipientStatus status = RecipientStatus.of("4.4.6", "mail loop: " + plan.describe() + " leads to " + server
                    + ", which greets with this James' own name " + ownName + "; fix the route or the heloName");
                LOGGER.warn("TieredRemoteDelivery: {}", status.diagnostic());
                return AttemptResult.same(server, recipients, new RecipientResult(Verdict.SERVER_FAILED, status), ServerCondition.FAILED);
            }
            if (!connection.capabilities().supports("8BITMIME")) {
                // RFC 6152: 8-bit content may only be sent to servers that announce 8BITMIME.
                converter7Bit.convertTo7Bit(mail.getMessage());
            }
            TransactionResult transaction = connection.send(Envelopes.of(mail, recipients, connection.capabilities()),
                out -> writeMessage(mail, out));
            return new AttemptResult(server, AttemptClassifier.classify(transaction, recipients, server), condition(transaction));
        } catch (SmtpSessionException e) {
            if (e.messageContentFailed()) {
                return localFailure(mail, recipients, server, e);
            }
            return new AttemptResult(server, AttemptClassifier.classify(e, recipients, server), ServerCondition.FAILED);
        } catch (MessagingException | IOException | RuntimeException e) {
            return localFailure(mail, recipients, server, e);
        }
    }

    /** Reading or converting the message failed on our side: not the server's fault; the next server may try. */
    private static AttemptResult localFailure(Mail mail, List<MailAddress> recipients, Server server, Exception e) {
        LOGGER.warn("Mail {}: cannot prepare the message for {}: {}", mail.getName(), server, e.toString());
        RecipientStatus status = RecipientStatus.of("4.3.0", "local problem reading the message: " + e.getMessage());
        return AttemptResult.same(server, recipients, new RecipientResult(Verdict.SERVER_FAILED, status), ServerCondition.NOT_ASSESSED);
    }

    /** RFC 5321 4.2.2: 421 means the server is closing the channel, whatever the command. */
    private static ServerCondition condition(TransactionResult transaction) {
        boolean closing = Stream.concat(Stream.of(transaction.mailReply()), Stream.concat(transaction.recipientReplies().values().stream(),
                Stream.concat(transaction.dataReply().stream(), transaction.messageReply().stream())))
            .anyMatch(reply -> reply.code() == 421);
        return closing ? ServerCondition.FAILED : ServerCondition.RESPONDED;
    }

    private static void writeMessage(Mail mail, OutputStream out) throws IOException {
        try {
            mail.getMessage().writeTo(out);
        } catch (MessagingException e) {
            throw new IOException("cannot read the message of mail " + mail.getName() + ": " + e.getMessage(), e);
        }
    }

    /**
     * Postfix's "host greeted me with my own hostname": the route leads back to this James. Only a fully qualified
     * name is compared; a "localhost" HELO name (James' default domain) would match unrelated servers.
     */
    private static boolean greetsWithOwnName(SmtpConnection connection, String ownName) {
        if (!ownName.contains(".") || ownName.equalsIgnoreCase("localhost")) {
            return false;
        }
        List<String> lines = connection.greeting().lines();
        String greeter = lines.isEmpty() ? "" : lines.get(0).trim().split("\\s+", 2)[0];
        return greeter.equalsIgnoreCase(ownName);
    }

    private SmtpClientSettings settings(RoutePlan plan, String ownName) {
        TlsPolicy tls = plan.tls().orElse(configuration.startTls() ? TlsPolicy.OPPORTUNISTIC : TlsPolicy.NONE);
        SmtpClientSettings.Builder settings = SmtpClientSettings.builder()
            .heloName(ownName)
            .connectTimeout(configuration.connectionTimeout())
            .readTimeout(configuration.smtpTimeout())
            .implicitTls(configuration.sslEnable())
            .startTls(startTlsPolicy(tls))
            // Opportunistic TLS encrypts whatever certificate the server shows (Postfix "may"); verifying without
            // enforcing would only turn a self-signed server into a failure.
            .verifyCertificates(tls == TlsPolicy.REQUIRED || configuration.sslEnable() ? configuration.verifyServerIdentity() : false)
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
