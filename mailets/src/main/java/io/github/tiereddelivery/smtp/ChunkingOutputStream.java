package io.github.tiereddelivery.smtp;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Turns a raw message into BDAT chunks (RFC 3030): line ends as CRLF (see the superclass), the canonical form the data
 * must have; nothing is dot-stuffed. A full buffer goes as "BDAT size" and its octets; {@link #finish()} completes an
 * unterminated last line and sends the rest as "BDAT size LAST". The buffer grows with the message up to the chunk
 * size, so a small message costs a small buffer. {@link #close()} only flushes.
 */
final class ChunkingOutputStream extends CanonicalLinesOutputStream {
    private static final byte[] CRLF = {'\r', '\n'};
    private static final int INITIAL_BUFFER = 8192;

    private final int chunkSize;
    private byte[] buffer;
    private int filled;
    private int chunks;

    ChunkingOutputStream(OutputStream out, int chunkSize) {
        super(out);
        if (chunkSize < 1) {
            throw new IllegalArgumentException("chunkSize must be positive, got " + chunkSize);
        }
        this.chunkSize = chunkSize;
        this.buffer = new byte[Math.min(INITIAL_BUFFER, chunkSize)];
    }

    /** The chunks sent, each of which gets a reply. */
    int chunks() {
        return chunks;
    }

    @Override
    protected void text(byte[] bytes, int offset, int length) throws IOException {
        int copied = 0;
        while (copied < length) {
            if (filled == buffer.length) {
                makeRoom();
            }
            int take = Math.min(length - copied, buffer.length - filled);
            System.arraycopy(bytes, offset + copied, buffer, filled, take);
            filled += take;
            copied += take;
        }
    }

    @Override
    protected void lineEnd() throws IOException {
        text(CRLF, 0, CRLF.length);
    }

    @Override
    protected void end() throws IOException {
        emit(true);
    }

    /** The buffer grows up to the chunk size; a full chunk is sent. */
    private void makeRoom() throws IOException {
        if (buffer.length < chunkSize) {
            buffer = Arrays.copyOf(buffer, Math.min(buffer.length * 2, chunkSize));
        } else {
            emit(false);
        }
    }

    private void emit(boolean last) throws IOException {
        out.write(("BDAT " + filled + (last ? " LAST" : "") + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(buffer, 0, filled);
        filled = 0;
        chunks++;
    }
}
