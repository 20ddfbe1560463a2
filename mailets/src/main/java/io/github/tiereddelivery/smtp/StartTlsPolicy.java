package io.github.tiereddelivery.smtp;

/** Whether a plain connection is upgraded with STARTTLS (RFC 3207). */
public enum StartTlsPolicy {
    /** Never send STARTTLS. */
    NEVER,
    /** Use STARTTLS when the server offers it; stay in clear text when it does not. */
    OPPORTUNISTIC,
    /** Fail at {@link Stage#STARTTLS} when the server does not offer STARTTLS or the handshake fails. */
    REQUIRED
}
