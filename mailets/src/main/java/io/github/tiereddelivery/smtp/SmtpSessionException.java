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

    public SmtpSessionException(Stage stage, String message) {
        this(stage, message, null, null, false);
    }

    public SmtpSessionException(Stage stage, String message, SmtpReply reply) {
        this(stage, message, reply, null, false);
    }

    public SmtpSessionException(Stage stage, String message, Throwable cause) {
        this(stage, message, null, cause, false);
    }

    private SmtpSessionException(Stage stage, String message, SmtpReply reply, Throwable cause,
                                 boolean messageContentFailed) {
        super(message, cause);
        this.stage = requireNonNull(stage, "stage");
        this.reply = reply;
        this.messageContentFailed = messageContentFailed;
    }

    /** The message could not be read from its {@link MessageContent}: a local failure, not the server's. */
    static SmtpSessionException messageContentFailed(String message, IOException cause) {
        return new SmtpSessionException(Stage.END_OF_DATA, message, null, cause, true);
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
}
