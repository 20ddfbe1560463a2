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
 * <p>Throws {@link SocketTimeoutException} when the deadline passes, {@link EOFException} when the server closes the
 * connection, {@link ProtocolException} for anything that is not a well-formed reply within the limits.
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
    private final byte[] buffer = new byte[8192];
    private int position;
    private int limit;

    ReplyReader(InputStream in, ReadTimeout readTimeout, int maxLineLength, int maxLines) {
        this.in = in;
        this.readTimeout = readTimeout;
        this.maxLineLength = maxLineLength;
        this.maxLines = maxLines;
    }

    /** Reads one complete (possibly multi-line) reply that must have arrived by {@code deadlineNanos} (nanoTime). */
    SmtpReply read(long deadlineNanos) throws IOException {
        List<String> texts = new ArrayList<>();
        int code = -1;
        while (true) {
            String line = readLine(deadlineNanos);
            if (texts.size() == maxLines) {
                throw new ProtocolException("reply has more than " + maxLines + " lines");
            }
            int lineCode = replyCode(line);
            if (code == -1) {
                code = lineCode;
            } else if (lineCode != code) {
                throw new ProtocolException("multi-line reply mixes the codes " + code + " and " + lineCode);
            }
            texts.add(line.length() > 4 ? line.substring(4) : "");
            if (line.length() == 3 || line.charAt(3) == ' ') {
                return new SmtpReply(code, texts);
            }
        }
    }

    /** The code of a line "ddd", "ddd text" or "ddd-text" with ddd in 200..599 (RFC 5321 4.2). */
    private static int replyCode(String line) throws ProtocolException {
        boolean wellFormed = line.length() >= 3
            && line.charAt(0) >= '2' && line.charAt(0) <= '5'
            && isDigit(line.charAt(1)) && isDigit(line.charAt(2))
            && (line.length() == 3 || line.charAt(3) == ' ' || line.charAt(3) == '-');
        if (!wellFormed) {
            throw new ProtocolException("not an SMTP reply line (a code 200-599 followed by space, '-' or the line"
                + " end): \"" + quote(line) + "\"");
        }
        return Integer.parseInt(line.substring(0, 3));
    }

    /** One line without its CRLF (a bare LF is accepted as line end). */
    private String readLine(long deadlineNanos) throws IOException {
        byte[] line = new byte[128];
        int length = 0;
        while (true) {
            if (position == limit) {
                fill(deadlineNanos);
            }
            byte b = buffer[position++];
            if (b == '\n') {
                if (length > 0 && line[length - 1] == '\r') {
                    length--;
                }
                if (length > maxLineLength) {
                    throw tooLong();
                }
                return new String(line, 0, length, StandardCharsets.UTF_8);
            }
            // One byte of slack for the CR of the CRLF.
            if (length == maxLineLength + 1) {
                throw tooLong();
            }
            if (length == line.length) {
                line = Arrays.copyOf(line, Math.min(line.length * 2, maxLineLength + 1));
            }
            line[length++] = b;
        }
    }

    private ProtocolException tooLong() {
        return new ProtocolException("reply line longer than " + maxLineLength + " bytes");
    }

    private void fill(long deadlineNanos) throws IOException {
        long remaining = deadlineNanos - System.nanoTime();
        if (remaining <= 0) {
            throw new SocketTimeoutException("reply deadline passed");
        }
        readTimeout.set((int) Math.max(1, TimeUnit.NANOSECONDS.toMillis(remaining + 999_999)));
        int count = in.read(buffer);
        if (count < 0) {
            throw new EOFException("connection closed by the server");
        }
        position = 0;
        limit = count;
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
