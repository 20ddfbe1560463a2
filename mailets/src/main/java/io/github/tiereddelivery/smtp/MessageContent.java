package io.github.tiereddelivery.smtp;

import java.io.IOException;
import java.io.OutputStream;

/**
 * The message of a transaction. The client wraps the stream so that line ends become CRLF, lines starting with "."
 * are dot-stuffed and the data is terminated correctly; {@code writeTo} just writes the raw RFC 5322 message.
 */
@FunctionalInterface
public interface MessageContent {

    /** Writes the message; may be called once per transaction. Closing {@code out} does not end the data. */
    void writeTo(OutputStream out) throws IOException;
}
