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

    private final Stage stage;
    private final transient SmtpReply reply;
    private final boolean messageContentFailed;
    private final boolean timedOut;

    public SmtpSessionException(Stage stage, String message) {
        this(stage, message, null, null, false, false);
    }

    public SmtpSessionException(Stage stage, String message, SmtpReply reply) {
        this(stage, message, reply, null, false, false);
    }

    public SmtpSessionException(Stage stage, String message, Throwable cause) {
        this(stage, message, null, cause, false, false);
    }

    private SmtpSessionException(Stage stage, String message, SmtpReply reply, Throwable cause,
                                 boolean messageContentFailed, boolean timedOut) {
        super(message, cause);
        this.stage = requireNonNull(stage, "stage");
        this.reply = reply;
        this.messageContentFailed = messageContentFailed;
        this.timedOut = timedOut;
    }

    /** The message could not be read from its {@link MessageContent}: a local failure, not the server's. */
    static SmtpSessionException messageContentFailed(String message, IOException cause) {
        return new SmtpSessionException(Stage.END_OF_DATA, message, null, cause, true, false);
    }

    /** The server did not answer, read or connect within the deadline. */
    static SmtpSessionException timedOut(Stage stage, String message, IOException cause) {
        return new SmtpSessionException(stage, message, null, cause, false, true);
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
        return messageContentFailed;
    }

    /**
     * True when the session failed because a deadline passed (connect, reply, write or handshake): the server may be
     * hung, unlike a connection it closed or reset, which fails at once.
     */
    public boolean timedOut() {
        return timedOut;
    }
}
