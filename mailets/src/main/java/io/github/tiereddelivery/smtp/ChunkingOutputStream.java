package io.github.tiereddelivery.smtp;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * Turns a raw message into BDAT chunks (RFC 3030): every line end (CRLF, bare LF or bare CR) is sent as CRLF, the
 * canonical form the data must have; nothing is dot-stuffed. A full buffer goes as "BDAT size" and its octets;
 * {@link #finish()} completes an unterminated last line and sends the rest as "BDAT size LAST". The buffer grows with
 * the message up to the chunk size, so a small message costs a small buffer. {@link #close()} only flushes.
 */
final class ChunkingOutputStream extends OutputStream {

    private static final byte CR = '\r';
    private static final byte LF = '\n';
    private static final int INITIAL_BUFFER = 8192;

    private final OutputStream out;
    private final int chunkSize;
    private byte[] buffer;
    private int filled;
    /** The previous byte was a CR, already sent as CRLF: an LF right after it belongs to it. */
    private boolean afterCr;
    private boolean atLineStart = true;
    private int chunks;
    private boolean finished;

    ChunkingOutputStream(OutputStream out, int chunkSize) {
        this.out = Objects.requireNonNull(out, "out");
        if (chunkSize < 1) {
            throw new IllegalArgumentException("chunkSize must be positive, got " + chunkSize);
        }
        this.chunkSize = chunkSize;
        this.buffer = new byte[Math.min(INITIAL_BUFFER, chunkSize)];
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
        Objects.checkFromIndexSize(offset, length, bytes.length);
        if (finished) {
            throw new IOException("the message data is already finished");
        }
        for (int i = offset; i < offset + length; i++) {
            byte b = bytes[i];
            if (b == CR) {
                put(CR);
                put(LF);
                afterCr = true;
                atLineStart = true;
            } else if (b == LF) {
                if (!afterCr) {
                    put(CR);
                    put(LF);
                }
                afterCr = false;
                atLineStart = true;
            } else {
                put(b);
                afterCr = false;
                atLineStart = false;
            }
        }
    }

    /** Ends the data: completes an unterminated last line, sends the last chunk and flushes. */
    void finish() throws IOException {
        if (finished) {
            throw new IOException("the message data is already finished");
        }
        if (!atLineStart) {
            put(CR);
            put(LF);
        }
        emit(true);
        out.flush();
        finished = true;
    }

    /** The chunks sent, each of which gets a reply. */
    int chunks() {
        return chunks;
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

    private void put(byte b) throws IOException {
        if (filled == buffer.length) {
            if (buffer.length < chunkSize) {
                buffer = Arrays.copyOf(buffer, Math.min(buffer.length * 2, chunkSize));
            } else {
                emit(false);
            }
        }
        buffer[filled++] = b;
    }

    private void emit(boolean last) throws IOException {
        out.write(("BDAT " + filled + (last ? " LAST" : "") + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(buffer, 0, filled);
        filled = 0;
        chunks++;
    }
}
