package io.github.tiereddelivery.smtp;

/** The step of an SMTP session at which something happened; lets the delivery engine classify a failure. */
public enum Stage {
    /** Opening the TCP connection (and the TLS handshake of implicit TLS). */
    CONNECT("connect"),
    /** Waiting for the server's 220 greeting. */
    GREETING("greeting"),
    /** EHLO, or HELO after the server rejected EHLO. */
    EHLO("EHLO"),
    /** The STARTTLS command and the TLS handshake after it. */
    STARTTLS("STARTTLS"),
    /** SMTP AUTH (RFC 4954). */
    AUTH("AUTH"),
    /** MAIL FROM. */
    MAIL("MAIL FROM"),
    /** RCPT TO, one reply per recipient. */
    RCPT("RCPT TO"),
    /** The DATA command (expects 354). */
    DATA("DATA"),
    /** Sending the message and the final "." (the reply that says whether the message was accepted). */
    END_OF_DATA("end of data"),
    /** RSET between transactions. */
    RSET("RSET"),
    /** QUIT. */
    QUIT("QUIT");

    private final String label;

    Stage(String label) {
        this.label = label;
    }

    /** How the stage is named in messages, e.g. "RCPT TO". */
    String label() {
        return label;
    }
}
