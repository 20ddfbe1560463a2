package io.github.tiereddelivery.smtp;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.ProtocolException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Reads SMTP replies against a deadline: the whole reply must arrive before it, however slowly the bytes trickle in.
 * Before each blocking read the socket timeout is set to the time left.
 *
 * <p>A reply is read whole whatever its size, up to {@code maxLineLength} x {@code maxLines} bytes, and kept in part:
 * the first {@code maxLineLength} bytes of each of its first {@code maxLines} lines (RFC 5321 4.5.3.1: impose no limit
 * where possible; a 250 to the end of data with a long text is still a 250, and the message must not be sent again).
 * A final line cut short by the server closing the connection counts when it is whole up to its text ("250 ok" and
 * then the close, as JavaMail takes it).
 *
 * <p>Throws {@link SocketTimeoutException} when the deadline passes, {@link EOFException} when the server closes the
 * connection, {@link ProtocolException} for anything that is not a well-formed reply, or a reply larger than the bound.
 */
final class ReplyReader {

    /** Sets the socket read timeout in milliseconds (0 is never passed). */
    @FunctionalInterface
    interface ReadTimeout {
        void set(int millis) throws IOException;
    }

    private static final int MAX_QUOTED_CHARS = 80;

    private final InputStream in;
    private final ReadTimeout readTimeout;
    private final int maxLineLength;
    private final int maxLines;
    private final long maxReplyBytes;
    private final byte[] buffer = new byte[8192];
    private int position;
    private int limit;
    /** Bytes of the reply being read so far. */
    private long replyBytes;

    ReplyReader(InputStream in, ReadTimeout readTimeout, int maxLineLength, int maxLines) {
        this.in = in;
        this.readTimeout = readTimeout;
        this.maxLineLength = maxLineLength;
        this.maxLines = maxLines;
        this.maxReplyBytes = (long) maxLineLength * maxLines;
    }

    /** Reads one complete (possibly multi-line) reply that must have arrived by {@code deadlineNanos} (nanoTime). */
    SmtpReply read(long deadlineNanos) throws IOException {
        List<String> texts = new ArrayList<>();
        int code = -1;
        replyBytes = 0;
        while (true) {
            String line = readLine(deadlineNanos);
            int lineCode = replyCode(line);
            if (code == -1) {
                code = lineCode;
            } else if (lineCode != code) {
                throw new ProtocolException("multi-line reply mixes the codes " + code + " and " + lineCode);
            }
            if (texts.size() < maxLines) {
                texts.add(line.length() > 4 ? line.substring(4) : "");
            }
            if (isFinal(line)) {
                return new SmtpReply(code, texts);
            }
        }
    }

    private static boolean isFinal(String line) {
        return line.length() == 3 || line.charAt(3) == ' ';
    }

    /** The code of a line "ddd", "ddd text" or "ddd-text" with ddd in 200..599 (RFC 5321 4.2). */
    private static int replyCode(String line) throws ProtocolException {
        if (!isReplyLine(line)) {
            throw new ProtocolException("not an SMTP reply line (a code 200-599 followed by space, '-' or the line"
                + " end): \"" + quote(line) + "\"");
        }
        return Integer.parseInt(line.substring(0, 3));
    }

    private static boolean isReplyLine(String line) {
        return line.length() >= 3
            && line.charAt(0) >= '2' && line.charAt(0) <= '5'
            && isDigit(line.charAt(1)) && isDigit(line.charAt(2))
            && (line.length() == 3 || line.charAt(3) == ' ' || line.charAt(3) == '-');
    }

    /**
     * One line without its CRLF (a bare LF is accepted as line end), its first {@code maxLineLength} bytes kept. The
     * server closing the connection ends a final reply line too.
     */
    private String readLine(long deadlineNanos) throws IOException {
        byte[] line = new byte[128];
        int length = 0;
        while (true) {
            if (position == limit && !fill(deadlineNanos)) {
                String partial = new String(line, 0, Math.min(length, maxLineLength), StandardCharsets.UTF_8);
                if (length > 0 && isReplyLine(partial) && isFinal(partial)) {
                    return partial;
                }
                throw new EOFException("connection closed by the server");
            }
            byte b = buffer[position++];
            if (++replyBytes > maxReplyBytes) {
                throw new ProtocolException("reply longer than " + maxReplyBytes + " bytes (" + maxLines + " lines of "
                    + maxLineLength + ")");
            }
            if (b == '\n') {
                if (length > 0 && length <= maxLineLength && line[length - 1] == '\r') {
                    length--;
                }
                return new String(line, 0, Math.min(length, maxLineLength), StandardCharsets.UTF_8);
            }
            // What goes past the kept length is read and dropped; one byte of slack for the CR of the CRLF.
            if (length == maxLineLength + 1) {
                continue;
            }
            if (length == line.length) {
                line = Arrays.copyOf(line, Math.min(line.length * 2, maxLineLength + 1));
            }
            line[length++] = b;
        }
    }

    /** Reads more bytes; false when the server closed the connection. */
    private boolean fill(long deadlineNanos) throws IOException {
        long remaining = deadlineNanos - System.nanoTime();
        if (remaining <= 0) {
            throw new SocketTimeoutException("reply deadline passed");
        }
        readTimeout.set((int) Math.max(1, TimeUnit.NANOSECONDS.toMillis(remaining + 999_999)));
        int count = in.read(buffer);
        if (count < 0) {
            return false;
        }
        position = 0;
        limit = count;
        return true;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    /** The start of a line with control characters escaped, safe to put into a log or an exception message. */
    private static String quote(String line) {
        StringBuilder quoted = new StringBuilder();
        for (int i = 0; i < line.length() && i < MAX_QUOTED_CHARS; i++) {
            char c = line.charAt(i);
            if (c < ' ' || c == 127) {
                quoted.append(String.format("\\x%02x", (int) c));
            } else {
                quoted.append(c);
            }
        }
        return line.length() > MAX_QUOTED_CHARS ? quoted + "..." : quoted.toString();
    }
}
