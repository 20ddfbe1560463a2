package io.github.tiereddelivery.testing;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * A real SMTP server for tests: plain JDK sockets, one thread per connection, pipelining (RFC 2920), behaviour
 * switchable at run time ({@link #behave}), and a record of every accepted message and command. Bind it to distinct
 * loopback addresses (127.0.0.2, 127.0.0.3, ...: on Linux every 127.x.y.z is local) to model several servers.
 *
 * <p>Limits keep a broken client from exhausting a test: {@value #MAX_MESSAGE_BYTES} bytes per message (552 beyond),
 * {@value #MAX_RECIPIENTS} recipients per transaction (452 beyond), {@value #MAX_COMMAND_BYTES} bytes per command line
 * (500 and close), {@value #MAX_STORED_BYTES} bytes of stored messages (452 beyond), the last
 * {@value #MAX_RECORDED_COMMANDS} commands, and connections idle for {@link #IDLE_TIMEOUT} are closed.
 */
public final class ReceivingSmtpServer implements AutoCloseable {

    public static final int MAX_MESSAGE_BYTES = 32 * 1024 * 1024;
    public static final int MAX_RECIPIENTS = 1000;
    public static final int MAX_COMMAND_BYTES = 4096;
    public static final long MAX_STORED_BYTES = 256L * 1024 * 1024;
    public static final int MAX_RECORDED_COMMANDS = 100_000;
    public static final Duration IDLE_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration STOP_WAIT = Duration.ofSeconds(5);

    /** A command line as received; {@code pipelined}: it arrived before the reply to the previous one was sent. */
    public record Command(String line, boolean pipelined) {
    }

    private final InetAddress bindAddress;
    private final Object lock = new Object();
    private volatile Behaviour behaviour = Behaviour.normal();
    private int port;
    private ServerSocket listener;
    private Thread acceptor;
    private final Set<ServerSession> sessions = new HashSet<>();
    private final List<ReceivedMessage> messages = new ArrayList<>();
    private final Deque<Command> commands = new ArrayDeque<>();
    private long storedBytes;
    private int connectionCount;
    private int transactionCount;
    private int replyBatchCount;
    private int mostOpenConnections;

    private ReceivingSmtpServer(InetAddress bindAddress, int port) {
        this.bindAddress = bindAddress;
        this.port = port;
    }

    /** Starts listening on {@code bindAddress} (an IP address) and {@code port} (0: an ephemeral port). */
    public static ReceivingSmtpServer start(String bindAddress, int port) throws IOException {
        ReceivingSmtpServer server = new ReceivingSmtpServer(InetAddress.getByName(bindAddress), port);
        server.restart();
        return server;
    }

    public InetAddress address() {
        return bindAddress;
    }

    public int port() {
        synchronized (lock) {
            return port;
        }
    }

    public InetSocketAddress socketAddress() {
        return new InetSocketAddress(bindAddress, port());
    }

    /** Switches the behaviour; connections already open follow it from their next command. */
    public void behave(Behaviour behaviour) {
        this.behaviour = requireNonNull(behaviour, "behaviour");
    }

    public Behaviour behaviour() {
        return behaviour;
    }

    public boolean isRunning() {
        synchronized (lock) {
            return listener != null;
        }
    }

    /** Listens again on the same address and port after {@link #stop()}; does nothing while running. */
    public void restart() throws IOException {
        synchronized (lock) {
            if (listener != null) {
                return;
            }
            ServerSocket socket = new ServerSocket();
            try {
                socket.setReuseAddress(true);
                socket.bind(new InetSocketAddress(bindAddress, port), 128);
            } catch (IOException e) {
                socket.close();
                throw new IOException("test SMTP server cannot listen on " + bindAddress.getHostAddress() + ":" + port
                    + ": " + e.getMessage(), e);
            }
            port = socket.getLocalPort();
            listener = socket;
            acceptor = new Thread(() -> acceptLoop(socket), "smtp-server-" + this + "-accept");
            acceptor.setDaemon(true);
            acceptor.start();
        }
    }

    /** Closes the listener (new connections are refused) and every open connection; does nothing when stopped. */
    public void stop() {
        List<ServerSession> open;
        Thread acceptorThread;
        synchronized (lock) {
            if (listener == null) {
                return;
            }
            closeQuietly(listener);
            listener = null;
            acceptorThread = acceptor;
            acceptor = null;
            open = List.copyOf(sessions);
        }
        open.forEach(ServerSession::close);
        join(acceptorThread);
        open.forEach(session -> join(session.thread()));
    }

    @Override
    public void close() {
        stop();
    }

    /** The accepted messages, oldest first. */
    public List<ReceivedMessage> messages() {
        synchronized (lock) {
            return List.copyOf(messages);
        }
    }

    public int messageCount() {
        synchronized (lock) {
            return messages.size();
        }
    }

    /** Waits until at least {@code count} messages were accepted and returns them; fails the test on timeout. */
    public List<ReceivedMessage> awaitMessages(int count, Duration timeout) {
        synchronized (lock) {
            awaitCondition(() -> messages.size() >= count, timeout,
                () -> "expected " + count + " messages at " + this + " within " + timeout + ", got "
                    + messages.size() + ": " + messages);
            return List.copyOf(messages);
        }
    }

    /** Forgets messages, commands and counters. */
    public void clear() {
        synchronized (lock) {
            messages.clear();
            commands.clear();
            storedBytes = 0;
            connectionCount = 0;
            transactionCount = 0;
            replyBatchCount = 0;
            mostOpenConnections = sessions.size();
        }
    }

    /** Connections accepted since start (or {@link #clear()}). */
    public int connectionCount() {
        synchronized (lock) {
            return connectionCount;
        }
    }

    /** Connections open right now. */
    public int openConnectionCount() {
        synchronized (lock) {
            return sessions.size();
        }
    }

    /** The most connections that were open at the same time since start (or {@link #clear()}). */
    public int mostOpenConnections() {
        synchronized (lock) {
            return mostOpenConnections;
        }
    }

    /** Waits until exactly {@code count} connections are open (e.g. 0: every client closed its socket). */
    public void awaitOpenConnections(int count, Duration timeout) {
        synchronized (lock) {
            awaitCondition(() -> sessions.size() == count, timeout,
                () -> "expected " + count + " open connections at " + this + " within " + timeout + ", got "
                    + sessions.size());
        }
    }

    /** MAIL commands the server accepted (transactions begun). */
    public int transactionCount() {
        synchronized (lock) {
            return transactionCount;
        }
    }

    /**
     * Groups of replies sent, on all connections: the server answers when no more input is waiting, so each group is
     * one round trip for the client (a pipelined group of commands gets its replies in one group).
     */
    public int replyBatchCount() {
        synchronized (lock) {
            return replyBatchCount;
        }
    }

    /** Closes every open connection without a word, as a server does on its idle timeout; keeps listening. */
    public void closeConnections() {
        List<ServerSession> open;
        synchronized (lock) {
            open = List.copyOf(sessions);
        }
        open.forEach(ServerSession::close);
        open.forEach(session -> join(session.thread()));
    }

    /** Command lines received on all connections, oldest first (AUTH exchanges included). */
    public List<Command> commands() {
        synchronized (lock) {
            return List.copyOf(commands);
        }
    }

    /** {@link #commands()} without the pipelining flag. */
    public List<String> commandLines() {
        return commands().stream().map(Command::line).toList();
    }

    @Override
    public String toString() {
        return bindAddress.getHostAddress() + ":" + port();
    }

    void recordCommand(String line, boolean pipelined) {
        synchronized (lock) {
            if (commands.size() == MAX_RECORDED_COMMANDS) {
                commands.removeFirst();
            }
            commands.addLast(new Command(line, pipelined));
        }
    }

    void recordReplyBatch() {
        synchronized (lock) {
            replyBatchCount++;
        }
    }

    void recordTransaction() {
        synchronized (lock) {
            transactionCount++;
        }
    }

    /** Stores the message unless the storage limit is reached. */
    boolean store(ReceivedMessage message, int size) {
        synchronized (lock) {
            if (storedBytes + size > MAX_STORED_BYTES) {
                return false;
            }
            storedBytes += size;
            messages.add(message);
            lock.notifyAll();
            return true;
        }
    }

    void sessionEnded(ServerSession session) {
        synchronized (lock) {
            sessions.remove(session);
            lock.notifyAll();
        }
    }

    private void acceptLoop(ServerSocket socket) {
        while (true) {
            Socket client;
            try {
                client = socket.accept();
            } catch (IOException e) {
                return;
            }
            synchronized (lock) {
                if (listener != socket) {
                    closeQuietly(client);
                    return;
                }
                connectionCount++;
                ServerSession session = new ServerSession(this, client);
                sessions.add(session);
                mostOpenConnections = Math.max(mostOpenConnections, sessions.size());
                Thread thread = new Thread(session, "smtp-server-" + this + "-connection-" + connectionCount);
                thread.setDaemon(true);
                session.start(thread);
                lock.notifyAll();
            }
        }
    }

    /** Waits on {@link #lock} (held by the caller) until the condition holds. */
    private void awaitCondition(BooleanSupplier condition, Duration timeout,
                                Supplier<String> failure) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            while (!condition.getAsBoolean()) {
                long remaining = deadline - System.nanoTime();
                if (remaining <= 0) {
                    throw new AssertionError(failure.get());
                }
                TimeUnit.NANOSECONDS.timedWait(lock, remaining);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting", e);
        }
    }

    private static void join(Thread thread) {
        try {
            thread.join(STOP_WAIT.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            // Only releasing resources.
        }
    }
}
