package io.github.tiereddelivery.smtp;

import static java.util.Objects.requireNonNull;

import java.net.InetAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import javax.net.ssl.SSLContext;

/** How {@link SmtpConnection} talks to servers. Immutable; build with {@link #builder()}. */
public final class SmtpClientSettings {

    /** RFC 5321 4.5.3.1.5: a reply line is at most 512 octets; smaller limits would reject conforming servers. */
    private static final int MIN_REPLY_LINE_LENGTH = 512;

    private final String heloName;
    private final Duration connectTimeout;
    private final Duration readTimeout;
    private final Optional<InetAddress> bindAddress;
    private final boolean implicitTls;
    private final StartTlsPolicy startTls;
    private final boolean verifyCertificates;
    private final boolean verifyHostName;
    private final Optional<SSLContext> sslContext;
    private final Optional<Credentials> credentials;
    private final boolean debug;
    private final int maxReplyLineLength;
    private final int maxReplyLines;

    private SmtpClientSettings(Builder builder) {
        this.heloName = builder.heloName;
        this.connectTimeout = builder.connectTimeout;
        this.readTimeout = builder.readTimeout;
        this.bindAddress = Optional.ofNullable(builder.bindAddress);
        this.implicitTls = builder.implicitTls;
        this.startTls = builder.startTls;
        this.verifyCertificates = builder.verifyCertificates;
        this.verifyHostName = builder.verifyHostName;
        this.sslContext = Optional.ofNullable(builder.sslContext);
        this.credentials = Optional.ofNullable(builder.credentials);
        this.debug = builder.debug;
        this.maxReplyLineLength = builder.maxReplyLineLength;
        this.maxReplyLines = builder.maxReplyLines;
    }

    /** A builder; {@link Builder#heloName} is required, everything else has a default. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding these settings, e.g. to override TLS or credentials for one route. */
    public Builder toBuilder() {
        Builder builder = new Builder();
        builder.heloName = heloName;
        builder.connectTimeout = connectTimeout;
        builder.readTimeout = readTimeout;
        builder.bindAddress = bindAddress.orElse(null);
        builder.implicitTls = implicitTls;
        builder.startTls = startTls;
        builder.verifyCertificates = verifyCertificates;
        builder.verifyHostName = verifyHostName;
        builder.sslContext = sslContext.orElse(null);
        builder.credentials = credentials.orElse(null);
        builder.debug = debug;
        builder.maxReplyLineLength = maxReplyLineLength;
        builder.maxReplyLines = maxReplyLines;
        return builder;
    }

    /** The name sent with EHLO/HELO. */
    public String heloName() {
        return heloName;
    }

    /** How long opening the TCP connection may take. */
    public Duration connectTimeout() {
        return connectTimeout;
    }

    /**
     * The deadline for one whole reply (from when the client starts waiting for it), for writing one command or
     * group of pipelined commands, for writing the whole message, and for a TLS handshake.
     */
    public Duration readTimeout() {
        return readTimeout;
    }

    /** The local address to connect from; empty: the system chooses. */
    public Optional<InetAddress> bindAddress() {
        return bindAddress;
    }

    /** SMTPS: TLS from the first byte (RFC 8314); STARTTLS is then never used. */
    public boolean implicitTls() {
        return implicitTls;
    }

    public StartTlsPolicy startTls() {
        return startTls;
    }

    /**
     * True: the server certificate must be trusted by {@link #sslContext()} (or the JVM default), and match the server
     * name when {@link #verifyHostName()}. False: any certificate is accepted (encrypted, not authenticated).
     */
    public boolean verifyCertificates() {
        return verifyCertificates;
    }

    /**
     * With {@link #verifyCertificates()}: the certificate must also name the server (RFC 6125, as for HTTPS); stock's
     * {@code verifyServerIdentity} ({@code mail.smtp.ssl.checkserveridentity}).
     */
    public boolean verifyHostName() {
        return verifyHostName;
    }

    /** The TLS context used when {@link #verifyCertificates()} is true; empty: the JVM default context. */
    public Optional<SSLContext> sslContext() {
        return sslContext;
    }

    /** SMTP AUTH credentials, used when the server advertises AUTH. */
    public Optional<Credentials> credentials() {
        return credentials;
    }

    /** Log the conversation at DEBUG (logger {@code io.github.tiereddelivery.smtp.SmtpConnection}), AUTH hidden. */
    public boolean debug() {
        return debug;
    }

    /** Longest accepted reply line in bytes, without CRLF. */
    public int maxReplyLineLength() {
        return maxReplyLineLength;
    }

    /** Most lines accepted in one reply. */
    public int maxReplyLines() {
        return maxReplyLines;
    }

    /**
     * Equal settings make the same session: a connection opened with one may carry the mail of the other (the TLS
     * context compares by identity).
     */
    @Override
    public boolean equals(Object o) {
        return o instanceof SmtpClientSettings other
            && heloName.equals(other.heloName)
            && connectTimeout.equals(other.connectTimeout)
            && readTimeout.equals(other.readTimeout)
            && bindAddress.equals(other.bindAddress)
            && implicitTls == other.implicitTls
            && startTls == other.startTls
            && verifyCertificates == other.verifyCertificates
            && verifyHostName == other.verifyHostName
            && sslContext.equals(other.sslContext)
            && credentials.equals(other.credentials)
            && debug == other.debug
            && maxReplyLineLength == other.maxReplyLineLength
            && maxReplyLines == other.maxReplyLines;
    }

    @Override
    public int hashCode() {
        return Objects.hash(heloName, connectTimeout, readTimeout, bindAddress, implicitTls, startTls,
            verifyCertificates, verifyHostName, sslContext, credentials, debug, maxReplyLineLength, maxReplyLines);
    }

    @Override
    public String toString() {
        return "SmtpClientSettings[heloName=" + heloName
            + ", connectTimeout=" + connectTimeout
            + ", readTimeout=" + readTimeout
            + ", bindAddress=" + bindAddress.map(InetAddress::getHostAddress).orElse("any")
            + ", implicitTls=" + implicitTls
            + ", startTls=" + startTls
            + ", verifyCertificates=" + verifyCertificates
            + ", verifyHostName=" + verifyHostName
            + ", sslContext=" + (sslContext.isPresent() ? "custom" : "default")
            + ", credentials=" + credentials.map(Credentials::toString).orElse("none")
            + ", debug=" + debug
            + ", maxReplyLineLength=" + maxReplyLineLength
            + ", maxReplyLines=" + maxReplyLines + "]";
    }

    public static final class Builder {
        private String heloName;
        private Duration connectTimeout = Duration.ofSeconds(60);
        private Duration readTimeout = Duration.ofSeconds(180);
        private InetAddress bindAddress;
        private boolean implicitTls;
        private StartTlsPolicy startTls = StartTlsPolicy.NEVER;
        private boolean verifyCertificates = true;
        private boolean verifyHostName = true;
        private SSLContext sslContext;
        private Credentials credentials;
        private boolean debug;
        private int maxReplyLineLength = 4096;
        private int maxReplyLines = 100;

        private Builder() {
        }

        /** Required: the domain name (or address literal) sent with EHLO/HELO. */
        public Builder heloName(String heloName) {
            requireNonNull(heloName, "heloName");
            if (heloName.isBlank() || heloName.chars().anyMatch(c -> c <= ' ' || c == 127)) {
                throw new IllegalArgumentException("heloName must be a domain name or address literal without spaces"
                    + " or control characters, got \"" + heloName + "\"");
            }
            this.heloName = heloName;
            return this;
        }

        /** Default 60 s. */
        public Builder connectTimeout(Duration connectTimeout) {
            this.connectTimeout = requirePositiveMillis(connectTimeout, "connectTimeout");
            return this;
        }

        /** Default 180 s; see {@link SmtpClientSettings#readTimeout()}. */
        public Builder readTimeout(Duration readTimeout) {
            this.readTimeout = requirePositiveMillis(readTimeout, "readTimeout");
            return this;
        }

        /** The local address to connect from; null (default): the system chooses. */
        public Builder bindAddress(InetAddress bindAddress) {
            this.bindAddress = bindAddress;
            return this;
        }

        /** Default false. */
        public Builder implicitTls(boolean implicitTls) {
            this.implicitTls = implicitTls;
            return this;
        }

        /** Default {@link StartTlsPolicy#NEVER}. */
        public Builder startTls(StartTlsPolicy startTls) {
            this.startTls = requireNonNull(startTls, "startTls");
            return this;
        }

        /** Default true. */
        public Builder verifyCertificates(boolean verifyCertificates) {
            this.verifyCertificates = verifyCertificates;
            return this;
        }

        /** Default true; only used with {@link #verifyCertificates(boolean)} true. */
        public Builder verifyHostName(boolean verifyHostName) {
            this.verifyHostName = verifyHostName;
            return this;
        }

        /** The context that verifies server certificates; null (default): the JVM default context. */
        public Builder sslContext(SSLContext sslContext) {
            this.sslContext = sslContext;
            return this;
        }

        /** SMTP AUTH credentials; null (default): no AUTH. */
        public Builder credentials(Credentials credentials) {
            this.credentials = credentials;
            return this;
        }

        /** Default false. */
        public Builder debug(boolean debug) {
            this.debug = debug;
            return this;
        }

        /** Default 4096 bytes; at least 512 (RFC 5321 4.5.3.1.5). */
        public Builder maxReplyLineLength(int maxReplyLineLength) {
            if (maxReplyLineLength < MIN_REPLY_LINE_LENGTH) {
                throw new IllegalArgumentException("maxReplyLineLength must be at least " + MIN_REPLY_LINE_LENGTH
                    + " (RFC 5321 allows reply lines of 512 octets), got " + maxReplyLineLength);
            }
            this.maxReplyLineLength = maxReplyLineLength;
            return this;
        }

        /** Default 100; at least 1. */
        public Builder maxReplyLines(int maxReplyLines) {
            if (maxReplyLines < 1) {
                throw new IllegalArgumentException("maxReplyLines must be at least 1, got " + maxReplyLines);
            }
            this.maxReplyLines = maxReplyLines;
            return this;
        }

        public SmtpClientSettings build() {
            if (heloName == null) {
                throw new IllegalStateException("heloName is required: the name this host announces with EHLO");
            }
            return new SmtpClientSettings(this);
        }

        private static Duration requirePositiveMillis(Duration duration, String name) {
            requireNonNull(duration, name);
            if (duration.toMillis() < 1 || duration.toMillis() > Integer.MAX_VALUE) {
                throw new IllegalArgumentException(name + " must be between 1 ms and " + Integer.MAX_VALUE
                    + " ms, got " + duration);
            }
            return duration;
        }
    }
}
