package io.github.tiereddelivery.smtp;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Objects;

/**
 * Turns a raw message into SMTP DATA (RFC 5321 4.5.2 and 2.3.8): every line end (CRLF, bare LF or bare CR) is sent as
 * CRLF, a "." starting a line is doubled, and {@link #finish()} writes the terminating "CRLF.CRLF" whether or not the
 * message ended with a line end. {@link #close()} only flushes: the connection stays open.
 */
public final class DotStuffingOutputStream extends OutputStream {

    private static final byte CR = '\r';
    private static final byte LF = '\n';
    private static final byte DOT = '.';
    private static final byte[] CRLF = {CR, LF};
    private static final byte[] END_OF_DATA = {DOT, CR, LF};

    private final OutputStream out;
    /** Nothing written yet on the current line. */
    private boolean atLineStart = true;
    /** The previous byte was a CR, already sent as CRLF: an LF right after it belongs to it. */
    private boolean afterCr;
    private boolean finished;

    public DotStuffingOutputStream(OutputStream out) {
        this.out = Objects.requireNonNull(out, "out");
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
        Objects.checkFromIndexSize(offset, length, bytes.length);
        requireNotFinished();
        int end = offset + length;
        int runStart = offset;
        for (int i = offset; i < end; i++) {
            byte b = bytes[i];
            if (b == CR) {
                out.write(bytes, runStart, i - runStart);
                out.write(CRLF);
                afterCr = true;
                atLineStart = true;
                runStart = i + 1;
            } else if (b == LF) {
                out.write(bytes, runStart, i - runStart);
                if (!afterCr) {
                    out.write(CRLF);
                }
                afterCr = false;
                atLineStart = true;
                runStart = i + 1;
            } else {
                if (atLineStart && b == DOT) {
                    out.write(bytes, runStart, i - runStart);
                    out.write(DOT);
                    runStart = i;
                }
                afterCr = false;
                atLineStart = false;
            }
        }
        out.write(bytes, runStart, end - runStart);
    }

    /** Ends the data: completes an unterminated last line, writes ".CRLF" and flushes. Writing afterwards fails. */
    public void finish() throws IOException {
        requireNotFinished();
        if (!atLineStart) {
            out.write(CRLF);
        }
        out.write(END_OF_DATA);
        out.flush();
        finished = true;
    }

    @Override
    public void flush() throws IOException {
        out.flush();
    }

    /** Flushes; never closes the underlying stream and does not end the data. */
    @Override
    public void close() throws IOException {
        out.flush();
    }

    private void requireNotFinished() throws IOException {
        if (finished) {
            throw new IOException("the message data is already finished");
        }
    }
}
