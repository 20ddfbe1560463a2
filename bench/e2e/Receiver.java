/*
 * Receiving SMTP servers for the end-to-end benchmark (bench/e2e/bench.py). One JVM runs every server; start it with
 *
 *     java -Xmx256m bench/e2e/Receiver.java
 *
 * (a single-file program: no build, no dependency). It prints "READY <control port>" and then obeys line commands
 * on that control port (127.0.0.1, one command per connection, one reply line):
 *
 *     LISTEN name ip port delayMs smtp|hung   a server: "smtp" answers, "hung" accepts TCP and never says a word
 *     DELAY ms                                 the reply delay of every "smtp" server
 *     RESET                                    forget every count and arrival
 *     STATS                                    one JSON line: totals, last arrival, per server counts (sessions:
 *                                              accepted since RESET; sessionsUsed: sessions that carried a message
 *                                              since RESET, those opened before included)
 *     DUMP path                                writes every arrival as a TSV line: server, nanoTime, Message-ID,
 *                                              first recipient, 1 when the sender was <> (a bounce)
 *     CLOCK                                    System.nanoTime() (CLOCK_MONOTONIC, as Python's time.monotonic_ns())
 *     EXIT
 *
 * The delay models a network round trip: every reply (the greeting included) leaves "delay" after the bytes of the
 * command it answers were read, so commands that arrive together (PIPELINING, RFC 2920) are answered together,
 * each one "delay" after its arrival, as a server behind a real network would. The servers offer PIPELINING,
 * 8BITMIME, ENHANCEDSTATUSCODES, SIZE and CHUNKING (BDAT, RFC 3030; -Dreceiver.chunking=false to leave it out).
 * A message counts when its end (the "." line, or the BDAT LAST chunk) was read; its Message-ID is taken from its
 * header. One platform thread per connection: the benchmark opens tens of connections at a time, not thousands.
 */

import java.io.BufferedOutputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.Writer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

public final class Receiver {
    private static final boolean CHUNKING = !"false".equals(System.getProperty("receiver.chunking"));
    private static final int MAX_LINE = 16 * 1024;
    private static final int MAX_HEADER = 64 * 1024;

    private static final List<Server> SERVERS = new CopyOnWriteArrayList<>();
    private static final ConcurrentLinkedQueue<Arrival> ARRIVALS = new ConcurrentLinkedQueue<>();
    private static final Set<String> DISTINCT_IDS = ConcurrentHashMap.newKeySet();
    private static final AtomicLong LAST_ARRIVAL = new AtomicLong();
    private static final AtomicLong QUEUE_IDS = new AtomicLong();
    /** Incremented by RESET: a session counts as used once per epoch, when it carries its first message in it. */
    private static final AtomicLong EPOCH = new AtomicLong();

    record Arrival(String server, long nanos, String messageId, String recipient, boolean bounce) {
    }

    static final class Server {
        final String name;
        final boolean hung;
        final ServerSocket socket;
        volatile long delayNanos;
        final AtomicLong messages = new AtomicLong();
        final AtomicLong bounces = new AtomicLong();
        final AtomicLong sessions = new AtomicLong();
        final AtomicLong sessionsUsed = new AtomicLong();
        final AtomicLong open = new AtomicLong();
        final AtomicLong maxOpen = new AtomicLong();

        Server(String name, String ip, int port, long delayMillis, boolean hung) throws IOException {
            this.name = name;
            this.hung = hung;
            this.delayNanos = delayMillis * 1_000_000L;
            this.socket = new ServerSocket();
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getByName(ip), port), 1024);
        }

        void reset() {
            messages.set(0);
            bounces.set(0);
            sessions.set(0);
            sessionsUsed.set(0);
            maxOpen.set(open.get());
        }
    }

    public static void main(String[] args) throws IOException {
        ServerSocket control = new ServerSocket();
        control.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        System.out.println("READY " + control.getLocalPort());
        System.out.flush();
        while (true) {
            try (Socket client = control.accept()) {
                client.setSoTimeout(30_000);
                BufferedReader in = new BufferedReader(new InputStreamReader(client.getInputStream(),
                    StandardCharsets.UTF_8));
                PrintWriter out = new PrintWriter(client.getOutputStream(), true, StandardCharsets.UTF_8);
                String line = in.readLine();
                if (line == null) {
                    continue;
                }
                String reply;
                try {
                    reply = command(line.trim());
                } catch (Exception e) {
                    reply = "ERR " + e.getClass().getSimpleName() + ": " + e.getMessage();
                }
                out.println(reply);
                if (reply.equals("BYE")) {
                    System.exit(0);
                }
            } catch (IOException e) {
                System.err.println("control: " + e);
            }
        }
    }

    private static String command(String line) throws IOException {
        String[] words = line.split("\\s+");
        switch (words[0].toUpperCase(Locale.ROOT)) {
            case "LISTEN": {
                Server server = new Server(words[1], words[2], Integer.parseInt(words[3]), Long.parseLong(words[4]),
                    "hung".equals(words[5]));
                SERVERS.add(server);
                Thread acceptor = new Thread(() -> accept(server), "accept-" + server.name);
                acceptor.setDaemon(true);
                acceptor.start();
                return "OK";
            }
            case "DELAY":
                for (Server server : SERVERS) {
                    server.delayNanos = Long.parseLong(words[1]) * 1_000_000L;
                }
                return "OK";
            case "RESET":
                EPOCH.incrementAndGet();
                ARRIVALS.clear();
                DISTINCT_IDS.clear();
                LAST_ARRIVAL.set(0);
                SERVERS.forEach(Server::reset);
                return "OK";
            case "STATS":
                return stats();
            case "DUMP":
                return "OK " + dump(Path.of(line.substring(5).trim()));
            case "CLOCK":
                return "OK " + System.nanoTime();
            case "EXIT":
                return "BYE";
            default:
                return "ERR unknown command " + words[0];
        }
    }

    private static String stats() {
        long messages = 0;
        long bounces = 0;
        StringBuilder servers = new StringBuilder();
        for (Server server : SERVERS) {
            messages += server.messages.get();
            bounces += server.bounces.get();
            if (servers.length() > 0) {
                servers.append(',');
            }
            servers.append('"').append(server.name).append("\":{\"messages\":").append(server.messages.get())
                .append(",\"bounces\":").append(server.bounces.get())
                .append(",\"sessions\":").append(server.sessions.get())
                .append(",\"sessionsUsed\":").append(server.sessionsUsed.get())
                .append(",\"open\":").append(server.open.get())
                .append(",\"maxOpen\":").append(server.maxOpen.get())
                .append(",\"delayMs\":").append(server.delayNanos / 1_000_000L)
                .append(",\"hung\":").append(server.hung).append('}');
        }
        return "{\"messages\":" + messages + ",\"bounces\":" + bounces + ",\"distinct\":" + DISTINCT_IDS.size()
            + ",\"lastArrivalNs\":" + LAST_ARRIVAL.get() + ",\"servers\":{" + servers + "}}";
    }

    private static int dump(Path path) throws IOException {
        List<Arrival> arrivals = new ArrayList<>(ARRIVALS);
        try (Writer writer = Files.newBufferedWriter(path, StandardCharsets.UTF_8)) {
            for (Arrival arrival : arrivals) {
                writer.write(arrival.server() + "\t" + arrival.nanos() + "\t" + arrival.messageId() + "\t"
                    + arrival.recipient() + "\t" + (arrival.bounce() ? 1 : 0) + "\n");
            }
        }
        return arrivals.size();
    }

    private static void accept(Server server) {
        while (true) {
            Socket socket;
            try {
                socket = server.socket.accept();
            } catch (IOException e) {
                System.err.println(server.name + ": accept: " + e);
                return;
            }
            long acceptedAt = System.nanoTime();
            server.sessions.incrementAndGet();
            server.maxOpen.accumulateAndGet(server.open.incrementAndGet(), Math::max);
            Thread thread = new Thread(() -> {
                try (socket) {
                    if (server.hung) {
                        hang(socket);
                    } else {
                        new Session(server, socket, acceptedAt).run();
                    }
                } catch (IOException e) {
                    // the client went away: nothing to count
                } finally {
                    server.open.decrementAndGet();
                }
            }, server.name + "-session");
            thread.setDaemon(true);
            thread.start();
        }
    }

    /** Accepts the connection, never writes, reads and drops whatever comes until the client gives up. */
    private static void hang(Socket socket) throws IOException {
        InputStream in = socket.getInputStream();
        byte[] sink = new byte[4096];
        while (in.read(sink) >= 0) {
            // discard
        }
    }

    static void sleepUntil(long due) {
        long wait;
        while ((wait = due - System.nanoTime()) > 0) {
            LockSupport.parkNanos(wait);
        }
    }

    /** One SMTP session: a byte buffer, each complete line answered "delay" after the read that completed it. */
    static final class Session {
        private final Server server;
        private final Socket socket;
        private final long acceptedAt;
        private final InputStream in;
        private final OutputStream out;
        private final byte[] buffer = new byte[64 * 1024];
        private int start;
        private int end;
        private long readAt;
        private long epoch = -1;

        private String sender;
        private String recipient;
        private boolean inData;
        private long bdatRemaining = -1;
        private boolean bdatLast;
        private final StringBuilder header = new StringBuilder();
        private boolean headerDone;
        private final StringBuilder headerLine = new StringBuilder();

        Session(Server server, Socket socket, long acceptedAt) throws IOException {
            this.server = server;
            this.socket = socket;
            this.acceptedAt = acceptedAt;
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(300_000);
            this.in = socket.getInputStream();
            this.out = new BufferedOutputStream(socket.getOutputStream(), 8192);
        }

        void run() throws IOException {
            reply(acceptedAt, "220 " + server.name + " ESMTP bench receiver");
            while (true) {
                out.flush();
                if (!fill()) {
                    return;
                }
                if (!consume()) {
                    out.flush();
                    return;
                }
            }
        }

        /** Reads more bytes; false at end of stream. */
        private boolean fill() throws IOException {
            if (start > 0 && start == end) {
                start = 0;
                end = 0;
            } else if (end == buffer.length) {
                if (start == 0) {
                    throw new IOException("line longer than " + buffer.length + " bytes");
                }
                System.arraycopy(buffer, start, buffer, 0, end - start);
                end -= start;
                start = 0;
            }
            int n;
            try {
                n = in.read(buffer, end, buffer.length - end);
            } catch (SocketException e) {
                return false;
            }
            if (n < 0) {
                return false;
            }
            readAt = System.nanoTime();
            end += n;
            return true;
        }

        /** Handles every complete unit in the buffer; false when the session is over. */
        private boolean consume() throws IOException {
            while (start < end) {
                if (bdatRemaining >= 0) {
                    int take = (int) Math.min(bdatRemaining, end - start);
                    content(buffer, start, take);
                    start += take;
                    bdatRemaining -= take;
                    if (bdatRemaining > 0) {
                        return true;
                    }
                    chunkReceived();
                    continue;
                }
                int eol = indexOf((byte) '\n', start, end);
                if (eol < 0) {
                    if (end - start > MAX_LINE && !inData) {
                        reply(readAt, "500 5.5.2 Error: line too long");
                        return false;
                    }
                    return true;
                }
                int lineStart = start;
                int lineLength = eol + 1 - start;
                start = eol + 1;
                if (inData) {
                    if (lineLength <= 3 && buffer[lineStart] == '.'
                        && (lineLength == 2 || (lineLength == 3 && buffer[lineStart + 1] == '\r'))) {
                        inData = false;
                        flushHeaderLine();
                        delivered();
                        reply(readAt, "250 2.0.0 Ok: queued as " + queueId());
                    } else {
                        content(buffer, lineStart, lineLength);
                    }
                    continue;
                }
                String line = new String(buffer, lineStart, lineLength, StandardCharsets.ISO_8859_1).strip();
                if (!command(line)) {
                    return false;
                }
            }
            return true;
        }

        private boolean command(String line) throws IOException {
            String upper = line.toUpperCase(Locale.ROOT);
            if (upper.startsWith("EHLO")) {
                resetTransaction();
                StringBuilder ehlo = new StringBuilder("250-").append(server.name).append("\r\n")
                    .append("250-PIPELINING\r\n250-SIZE 52428800\r\n250-8BITMIME\r\n");
                if (CHUNKING) {
                    ehlo.append("250-CHUNKING\r\n");
                }
                ehlo.append("250 ENHANCEDSTATUSCODES");
                reply(readAt, ehlo.toString());
            } else if (upper.startsWith("HELO")) {
                resetTransaction();
                reply(readAt, "250 " + server.name);
            } else if (upper.startsWith("MAIL FROM:")) {
                resetTransaction();
                sender = address(line.substring(10));
                reply(readAt, "250 2.1.0 Ok");
            } else if (upper.startsWith("RCPT TO:")) {
                if (sender == null) {
                    reply(readAt, "503 5.5.1 Error: need MAIL command");
                } else {
                    if (recipient == null) {
                        recipient = address(line.substring(8));
                    }
                    reply(readAt, "250 2.1.5 Ok");
                }
            } else if (upper.equals("DATA")) {
                if (recipient == null) {
                    reply(readAt, "554 5.5.1 Error: no valid recipients");
                } else {
                    inData = true;
                    reply(readAt, "354 End data with <CR><LF>.<CR><LF>");
                }
            } else if (upper.startsWith("BDAT ") && CHUNKING) {
                String[] words = upper.split("\\s+");
                long size;
                try {
                    size = Long.parseLong(words[1]);
                } catch (RuntimeException e) {
                    reply(readAt, "501 5.5.4 Syntax: BDAT size [LAST]");
                    return true;
                }
                if (recipient == null) {
                    reply(readAt, "503 5.5.1 Error: need RCPT command");
                    return false;
                }
                bdatLast = words.length > 2 && words[2].equals("LAST");
                bdatRemaining = size;
                if (size == 0) {
                    chunkReceived();
                }
            } else if (upper.equals("RSET")) {
                resetTransaction();
                reply(readAt, "250 2.0.0 Ok");
            } else if (upper.equals("NOOP")) {
                reply(readAt, "250 2.0.0 Ok");
            } else if (upper.equals("QUIT")) {
                reply(readAt, "221 2.0.0 Bye");
                out.flush();
                return false;
            } else {
                reply(readAt, "502 5.5.2 Error: command not recognized");
            }
            return true;
        }

        /** Message bytes: the header is kept (up to 64 KB) to find the Message-ID, the body is dropped. */
        private void content(byte[] bytes, int offset, int length) {
            if (headerDone) {
                return;
            }
            for (int i = offset; i < offset + length && !headerDone; i++) {
                char c = (char) (bytes[i] & 0xff);
                if (c == '\n') {
                    flushHeaderLine();
                } else if (c != '\r') {
                    headerLine.append(c);
                }
            }
        }

        /** A complete header line (or the empty line that ends the header). */
        private void flushHeaderLine() {
            if (headerDone) {
                return;
            }
            String line = headerLine.toString();
            headerLine.setLength(0);
            if (line.isEmpty() || header.length() > MAX_HEADER) {
                headerDone = true;
                return;
            }
            if (line.charAt(0) == ' ' || line.charAt(0) == '\t') {
                header.append(line);
            } else {
                header.append('\n').append(line);
            }
        }

        private String messageId() {
            for (String field : header.toString().split("\n")) {
                int colon = field.indexOf(':');
                if (colon > 0 && field.substring(0, colon).trim().equalsIgnoreCase("Message-ID")) {
                    return field.substring(colon + 1).trim();
                }
            }
            return "-";
        }

        /** A BDAT chunk has all its octets (RFC 3030): the LAST one delivers the message. */
        private void chunkReceived() throws IOException {
            bdatRemaining = -1;
            if (bdatLast) {
                flushHeaderLine();
                delivered();
                reply(readAt, "250 2.0.0 Ok: queued as " + queueId());
            } else {
                reply(readAt, "250 2.0.0 Ok: chunk received");
            }
        }

        private void delivered() {
            long now = readAt;
            boolean bounce = sender == null || sender.isEmpty();
            String id = messageId();
            long current = EPOCH.get();
            if (epoch != current) {
                epoch = current;
                server.sessionsUsed.incrementAndGet();
            }
            if (bounce) {
                server.bounces.incrementAndGet();
            } else {
                server.messages.incrementAndGet();
                DISTINCT_IDS.add(id);
                LAST_ARRIVAL.accumulateAndGet(now, Math::max);
            }
            ARRIVALS.add(new Arrival(server.name, now, id, recipient == null ? "-" : recipient, bounce));
            resetTransaction();
        }

        private void resetTransaction() {
            sender = null;
            recipient = null;
            inData = false;
            bdatRemaining = -1;
            bdatLast = false;
            header.setLength(0);
            headerLine.setLength(0);
            headerDone = false;
        }

        private void reply(long arrivedAt, String text) throws IOException {
            sleepUntil(arrivedAt + server.delayNanos);
            out.write((text + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
        }

        private int indexOf(byte b, int from, int to) {
            for (int i = from; i < to; i++) {
                if (buffer[i] == b) {
                    return i;
                }
            }
            return -1;
        }

        private static String address(String argument) {
            String trimmed = argument.trim();
            int open = trimmed.indexOf('<');
            int close = trimmed.indexOf('>');
            if (open >= 0 && close > open) {
                return trimmed.substring(open + 1, close);
            }
            int space = trimmed.indexOf(' ');
            return space < 0 ? trimmed : trimmed.substring(0, space);
        }

        private static String queueId() {
            return Long.toHexString(QUEUE_IDS.incrementAndGet()).toUpperCase(Locale.ROOT);
        }
    }

    private Receiver() {
    }
}
