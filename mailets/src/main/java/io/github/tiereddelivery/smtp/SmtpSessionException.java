package io.github.tiereddelivery.smtp;

import java.io.IOException;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * A session with an SMTP server failed: an I/O error or timeout at any stage, a protocol violation, or a negative reply
 * at a session stage (greeting, EHLO/HELO, STARTTLS, AUTH, RSET). Negative replies to MAIL, RCPT, DATA and the end of
 * data are not exceptions; they come back in the {@link TransactionResult}.
 */
public class SmtpSessionException extends IOException {

    private static final long serialVersionUID = 1L;

    /** What kind of failure this is, beyond its stage. */
    private enum Kind {
        /** The server failed the session: an I/O error, a protocol violation or a negative reply. */
        SERVER,
        /** A deadline passed (connect, reply, write or handshake). */
        TIMED_OUT,
        /** Reading our own message failed. */
        MESSAGE_CONTENT,
        /** The server held the session, but did not meet what this session required of it. */
        REQUIREMENT_UNMET
    }

    private final Stage stage;
    private final transient SmtpReply reply;
    private final Kind kind;

    public SmtpSessionException(Stage stage, String message) {
        this(stage, message, null, null, Kind.SERVER);
    }

    public SmtpSessionException(Stage stage, String message, SmtpReply reply) {
        this(stage, message, reply, null, Kind.SERVER);
    }

    public SmtpSessionException(Stage stage, String message, Throwable cause) {
        this(stage, message, null, cause, Kind.SERVER);
    }

    private SmtpSessionException(Stage stage, String message, SmtpReply reply, Throwable cause, Kind kind) {
        super(message, cause);
        this.stage = requireNonNull(stage, "stage");
        this.reply = reply;
        this.kind = kind;
    }

    /** The message could not be read from its {@link MessageContent}: a local failure, not the server's. */
    static SmtpSessionException messageContentFailed(String message, IOException cause) {
        return new SmtpSessionException(Stage.END_OF_DATA, message, null, cause, Kind.MESSAGE_CONTENT);
    }

    /** The server did not answer, read or connect within the deadline. */
    static SmtpSessionException timedOut(Stage stage, String message, IOException cause) {
        return new SmtpSessionException(stage, message, null, cause, Kind.TIMED_OUT);
    }

    /**
     * The server greeted and answered, but not as this session required: TLS the route requires not offered or
     * refused, a certificate that is not trusted or does not name the host the route uses, AUTH credentials refused.
     * Another route's session with the same server may well succeed.
     */
    static SmtpSessionException requirementUnmet(Stage stage, String message, SmtpReply reply, Throwable cause) {
        return new SmtpSessionException(stage, message, reply, cause, Kind.REQUIREMENT_UNMET);
    }

    /** Where the session failed. */
    public Stage stage() {
        return stage;
    }

    /** The server's negative reply, when a reply (not an I/O error) ended the session. */
    public Optional<SmtpReply> reply() {
        return Optional.ofNullable(reply);
    }

    /**
     * True when {@link MessageContent#writeTo} itself failed (e.g. the stored message could not be read): the server is
     * not to blame. The connection was closed without ending the data, so the server discards the partial message.
     */
    public boolean messageContentFailed() {
        return kind == Kind.MESSAGE_CONTENT;
    }

    /**
     * True when the session failed because a deadline passed (connect, reply, write or handshake): the server may be
     * hung, unlike a connection it closed or reset, which fails at once.
     */
    public boolean timedOut() {
        return kind == Kind.TIMED_OUT;
    }

    /**
     * True when the server is up and answering, and only this session's own requirements (its TLS policy, the name its
     * certificate must bear, its AUTH credentials) were not met: nothing to hold against the server in other sessions.
     */
    public boolean requirementUnmet() {
        return kind == Kind.REQUIREMENT_UNMET;
    }
}
