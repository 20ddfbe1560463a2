package io.github.tiereddelivery.smtp;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Turns a raw message into SMTP DATA (RFC 5321 4.5.2 and 2.3.8): line ends as CRLF (see the superclass), a "." starting
 * a line is doubled, and {@link #finish()} writes the terminating "CRLF.CRLF" whether or not the message ended with a
 * line end. {@link #close()} only flushes: the connection stays open.
 */
public final class DotStuffingOutputStream extends CanonicalLinesOutputStream {
    private static final byte DOT = '.';
    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[] END_OF_DATA = {DOT, '\r', '\n'};

    public DotStuffingOutputStream(OutputStream out) {
        super(out);
    }

    @Override
    protected void text(byte[] bytes, int offset, int length) throws IOException {
        if (length > 0) {
            out.write(bytes, offset, length);
        }
    }

    @Override
    protected void lineEnd() throws IOException {
        out.write(CRLF);
    }

    @Override
    protected void lineStarts(byte first) throws IOException {
        if (first == DOT) {
            out.write(DOT);
        }
    }

    @Override
    protected void end() throws IOException {
        out.write(END_OF_DATA);
    }
}
