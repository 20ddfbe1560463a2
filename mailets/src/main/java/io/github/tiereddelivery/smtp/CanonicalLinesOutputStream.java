package io.github.tiereddelivery.smtp;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Objects;

/**
 * The message data as SMTP carries it (RFC 5321 2.3.8): every line end, CRLF, bare LF or bare CR, becomes one CRLF,
 * and the data ends with a complete line. Subclasses say how text, line ends, line starts and the end are sent (DATA
 * with dot-stuffing, or BDAT chunks). {@link #close()} only flushes: the connection stays open.
 */
abstract class CanonicalLinesOutputStream extends OutputStream {
    private static final byte CR = '\r';
    private static final byte LF = '\n';

    protected final OutputStream out;
    /** Nothing written yet on the current line. */
    private boolean atLineStart = true;
    /** The previous byte was a CR, already sent as CRLF: an LF right after it belongs to it. */
    private boolean afterCr;
    private boolean finished;

    CanonicalLinesOutputStream(OutputStream out) {
        this.out = Objects.requireNonNull(out, "out");
    }

    /** Bytes of one line, without line end. */
    protected abstract void text(byte[] bytes, int offset, int length) throws IOException;

    /** One line end, CRLF. */
    protected abstract void lineEnd() throws IOException;

    /** The first byte of a line is about to be written (as part of the next {@link #text}). */
    protected void lineStarts(byte first) throws IOException {
    }

    /** The data ends (its last line is complete): what closes it, e.g. ".CRLF" or the last chunk. */
    protected abstract void end() throws IOException;

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
            if (b == CR || b == LF) {
                text(bytes, runStart, i - runStart);
                if (b == CR || !afterCr) {
                    lineEnd();
                }
                afterCr = b == CR;
                atLineStart = true;
                runStart = i + 1;
            } else {
                if (atLineStart) {
                    text(bytes, runStart, i - runStart);
                    runStart = i;
                    lineStarts(b);
                }
                afterCr = false;
                atLineStart = false;
            }
        }
        text(bytes, runStart, end - runStart);
    }

    /** Ends the data: completes an unterminated last line, then {@link #end()} and a flush. Writing afterwards fails. */
    public void finish() throws IOException {
        requireNotFinished();
        if (!atLineStart) {
            lineEnd();
        }
        end();
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
