package io.github.tiereddelivery.testing;

import static java.util.Objects.requireNonNull;

import io.github.tiereddelivery.smtp.Stage;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;

import javax.net.ssl.SSLContext;

/**
 * How a {@link ReceivingSmtpServer} answers. Immutable; {@link #normal()} accepts everything.
 *
 * <p>Replies are written as "CODE text", e.g. "550 5.1.1 unknown user"; a "\n" in the text starts another line of a
 * multi-line reply ("550 5.7.1 first\n5.7.1 second" is sent as "550-5.7.1 first" and "550 5.7.1 second").
 */
public final class Behaviour {

    private static final Pattern REPLY = Pattern.compile("[2-5][0-9][0-9]( [^\r]*)?", Pattern.DOTALL);
    private static final Behaviour NORMAL = builder().build();

    private final boolean greets;
    private final String greeting;
    private final List<String> ehloCapabilities;
    private final Optional<String> ehloRejection;
    private final String mailReply;
    private final Function<String, String> rcptReply;
    private final String dataReply;
    private final String endOfDataReply;
    private final Duration replyDelay;
    private final Optional<Stage> dropAt;
    private final Optional<String> authUsername;
    private final Optional<String> authPassword;
    private final Optional<SSLContext> tls;
    private final Optional<SSLContext> implicitTls;
    private final boolean breaksTlsHandshake;
    private final Optional<String> startTlsRefusal;
    private final int maxRecipientsPerTransaction;

    private Behaviour(Builder builder) {
        this.greets = builder.greets;
        this.greeting = builder.greeting;
        this.ehloCapabilities = builder.ehloCapabilities;
        this.ehloRejection = Optional.ofNullable(builder.ehloRejection);
        this.mailReply = builder.mailReply;
        this.rcptReply = builder.rcptReply;
        this.dataReply = builder.dataReply;
        this.endOfDataReply = builder.endOfDataReply;
        this.replyDelay = builder.replyDelay;
        this.dropAt = Optional.ofNullable(builder.dropAt);
        this.authUsername = Optional.ofNullable(builder.authUsername);
        this.authPassword = Optional.ofNullable(builder.authPassword);
        this.tls = Optional.ofNullable(builder.tls);
        this.implicitTls = Optional.ofNullable(builder.implicitTls);
        this.breaksTlsHandshake = builder.breaksTlsHandshake;
        this.startTlsRefusal = Optional.ofNullable(builder.startTlsRefusal);
        this.maxRecipientsPerTransaction = builder.maxRecipientsPerTransaction;
    }

    /** Greets, announces PIPELINING, 8BITMIME, ENHANCEDSTATUSCODES and SIZE, accepts every command and message. */
    public static Behaviour normal() {
        return NORMAL;
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder builder = new Builder();
        builder.greets = greets;
        builder.greeting = greeting;
        builder.ehloCapabilities = ehloCapabilities;
        builder.ehloRejection = ehloRejection.orElse(null);
        builder.mailReply = mailReply;
        builder.rcptReply = rcptReply;
        builder.dataReply = dataReply;
        builder.endOfDataReply = endOfDataReply;
        builder.replyDelay = replyDelay;
        builder.dropAt = dropAt.orElse(null);
        builder.authUsername = authUsername.orElse(null);
        builder.authPassword = authPassword.orElse(null);
        builder.tls = tls.orElse(null);
        return builder;
    }

    boolean greets() {
        return greets;
    }

    String greeting() {
        return greeting;
    }

    List<String> ehloCapabilities() {
        return ehloCapabilities;
    }

    Optional<String> ehloRejection() {
        return ehloRejection;
    }

    String mailReply() {
        return mailReply;
    }

    String rcptReply(String address) {
        return checkedReply(rcptReply.apply(address), "rcptReply for " + address);
    }

    String dataReply() {
        return dataReply;
    }

    String endOfDataReply() {
        return endOfDataReply;
    }

    Duration replyDelay() {
        return replyDelay;
    }

    boolean dropsAt(Stage stage) {
        return dropAt.filter(stage::equals).isPresent();
    }

    Optional<SSLContext> tls() {
        return tls;
    }

    Optional<SSLContext> implicitTls() {
        return implicitTls;
    }

    boolean breaksTlsHandshake() {
        return breaksTlsHandshake;
    }

    Optional<String> startTlsRefusal() {
        return startTlsRefusal;
    }

    int maxRecipientsPerTransaction() {
        return maxRecipientsPerTransaction;
    }

    boolean requiresAuth() {
        return authUsername.isPresent();
    }

    boolean acceptsCredentials(String username, String password) {
        return authUsername.filter(username::equals).isPresent() && authPassword.filter(password::equals).isPresent();
    }

    private static String checkedReply(String reply, String what) {
        requireNonNull(reply, what);
        if (!REPLY.matcher(reply).matches()) {
            throw new IllegalArgumentException(what + " must look like \"250 2.0.0 text\" (code 200-599, a space,"
                + " text; \\n separates lines), got \"" + reply + "\"");
        }
        return reply;
    }

    public static final class Builder {
        private boolean greets = true;
        private String greeting = "220 ReceivingSmtpServer ESMTP ready";
        private List<String> ehloCapabilities = List.of("PIPELINING", "8BITMIME", "ENHANCEDSTATUSCODES",
            "SIZE " + ReceivingSmtpServer.MAX_MESSAGE_BYTES);
        private String ehloRejection;
        private String mailReply = "250 2.1.0 OK";
        private Function<String, String> rcptReply = address -> "250 2.1.5 OK";
        private String dataReply = "354 End data with <CR><LF>.<CR><LF>";
        private String endOfDataReply = "250 2.0.0 OK queued";
        private Duration replyDelay = Duration.ZERO;
        private Stage dropAt;
        private String authUsername;
        private String authPassword;
        private SSLContext tls;
        private String startTlsRefusal;
        private SSLContext implicitTls;
        private boolean breaksTlsHandshake;
        private int maxRecipientsPerTransaction = Integer.MAX_VALUE;

        private Builder() {
        }

        /** Accept connections but never send a greeting (nor anything else). */
        public Builder neverGreet() {
            this.greets = false;
            return this;
        }

        /**
         * The greeting. A 421 greeting closes the connection; any other negative greeting answers every command but
         * QUIT with 503 (RFC 5321 3.1).
         */
        public Builder greeting(String reply) {
            this.greeting = checkedReply(reply, "greeting");
            return this;
        }

        /** The extension lines of the EHLO reply; {@link #requireAuth} adds "AUTH PLAIN LOGIN" unless one is AUTH. */
        public Builder ehloCapabilities(String... capabilities) {
            this.ehloCapabilities = List.of(capabilities);
            return this;
        }

        /** Answer EHLO with this (negative) reply; HELO still works. */
        public Builder rejectEhlo(String reply) {
            this.ehloRejection = checkedReply(reply, "EHLO rejection");
            return this;
        }

        public Builder mailReply(String reply) {
            this.mailReply = checkedReply(reply, "mailReply");
            return this;
        }

        /** The same reply for every recipient. */
        public Builder rcptReply(String reply) {
            String checked = checkedReply(reply, "rcptReply");
            this.rcptReply = address -> checked;
            return this;
        }

        /** The reply for each recipient address (as written between the angle brackets). */
        public Builder rcptReply(Function<String, String> replyForAddress) {
            this.rcptReply = requireNonNull(replyForAddress, "replyForAddress");
            return this;
        }

        /** The reply to the DATA command; anything but 354 refuses the message. */
        public Builder dataReply(String reply) {
            this.dataReply = checkedReply(reply, "dataReply");
            return this;
        }

        /** The reply after the final "."; a 2xx stores the message. */
        public Builder endOfDataReply(String reply) {
            this.endOfDataReply = checkedReply(reply, "endOfDataReply");
            return this;
        }

        /** Wait this long before every reply (models network or server latency). */
        public Builder replyDelay(Duration delay) {
            requireNonNull(delay, "delay");
            if (delay.isNegative()) {
                throw new IllegalArgumentException("replyDelay must not be negative, got " + delay);
            }
            this.replyDelay = delay;
            return this;
        }

        /**
         * Close the connection without a reply at this stage: {@code CONNECT} or {@code GREETING} right after
         * accepting, a command stage when that command arrives (earlier replies are sent first), {@code END_OF_DATA}
         * after the whole message arrived.
         */
        public Builder dropAt(Stage stage) {
            this.dropAt = requireNonNull(stage, "stage");
            return this;
        }

        /** Announce AUTH, accept only these credentials (PLAIN or LOGIN) and refuse MAIL before AUTH (530). */
        public Builder requireAuth(String username, String password) {
            this.authUsername = requireNonNull(username, "username");
            this.authPassword = requireNonNull(password, "password");
            return this;
        }

        /** Offer STARTTLS (RFC 3207) with this server-side context (its key and certificate). */
        public Builder startTls(SSLContext serverContext) {
            this.tls = requireNonNull(serverContext, "serverContext");
            return this;
        }

        /** Accept this many recipients per transaction, answer the next ones "452 4.5.3 Too many recipients". */
        public Builder maxRecipientsPerTransaction(int max) {
            this.maxRecipientsPerTransaction = max;
            return this;
        }

        /** Offer STARTTLS, answer it with 220, then send bytes that are no TLS record and close the connection. */
        public Builder breakTlsHandshake() {
            this.breaksTlsHandshake = true;
            return this;
        }

        /** Offer STARTTLS and answer it with this negative reply (a 421 closes the connection). */
        public Builder refuseStartTls(String reply) {
            this.startTlsRefusal = checkedReply(reply, "STARTTLS refusal");
            return this;
        }

        /** SMTPS (RFC 8314): the TLS handshake as soon as the client connects, before the greeting. */
        public Builder implicitTls(SSLContext serverContext) {
            this.implicitTls = requireNonNull(serverContext, "serverContext");
            return this;
        }

        public Behaviour build() {
            return new Behaviour(this);
        }
    }
}
