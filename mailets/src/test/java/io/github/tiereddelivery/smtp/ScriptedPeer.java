package io.github.tiereddelivery.smtp;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A hostile SMTP server for one connection: a raw socket that runs a script (trickle, garbage, silence, ...).
 * {@link #close()} ends the script by closing both sockets and waits for its thread.
 */
final class ScriptedPeer implements AutoCloseable {

    @FunctionalInterface
    interface Script {
        void run(Peer peer) throws IOException, InterruptedException;
    }

    private final ServerSocket listener;
    private final Thread thread;
    private final AtomicReference<Socket> client = new AtomicReference<>();
    private final CountDownLatch clientGone = new CountDownLatch(1);

    private ScriptedPeer(ServerSocket listener, Script script) {
        this.listener = listener;
        this.thread = new Thread(() -> serve(script), "scripted-smtp-peer");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /** Listens on {@code address}, port 0; {@code receiveBuffer} bytes of socket receive buffer (0: default). */
    static ScriptedPeer start(String address, int receiveBuffer, Script script) throws IOException {
        ServerSocket listener = new ServerSocket();
        if (receiveBuffer > 0) {
            listener.setReceiveBufferSize(receiveBuffer);
        }
        listener.bind(new InetSocketAddress(InetAddress.getByName(address), 0));
        return new ScriptedPeer(listener, script);
    }

    static ScriptedPeer start(String address, Script script) throws IOException {
        return start(address, 0, script);
    }

    InetSocketAddress address() {
        return (InetSocketAddress) listener.getLocalSocketAddress();
    }

    /** True when the client closed the connection (the script saw end of stream) within the timeout. */
    boolean awaitClientGone(Duration timeout) throws InterruptedException {
        return clientGone.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() throws Exception {
        listener.close();
        Socket socket = client.get();
        if (socket != null) {
            socket.close();
        }
        thread.interrupt();
        thread.join(2000);
    }

    private void serve(Script script) {
        try (Socket socket = listener.accept()) {
            client.set(socket);
            script.run(new Peer(socket));
        } catch (IOException | InterruptedException e) {
            // The client or the test closed the connection.
        }
    }

    /** What a script can do with the connection. */
    final class Peer {
        private final InputStream in;
        private final OutputStream out;

        private Peer(Socket socket) throws IOException {
            this.in = socket.getInputStream();
            this.out = socket.getOutputStream();
        }

        /** Sends text as is (include the CRLFs). */
        void send(String text) throws IOException {
            out.write(text.getBytes(UTF_8));
            out.flush();
        }

        /** Sends text one byte at a time with a pause before each. */
        void trickle(String text, Duration pause) throws IOException, InterruptedException {
            for (byte b : text.getBytes(UTF_8)) {
                Thread.sleep(pause.toMillis());
                out.write(b);
                out.flush();
            }
        }

        /** Reads one command line (without CRLF). */
        String readLine() throws IOException {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            int b;
            while ((b = in.read()) != '\n') {
                if (b < 0) {
                    clientGone.countDown();
                    throw new IOException("client closed the connection");
                }
                line.write(b);
            }
            return line.toString(UTF_8).stripTrailing();
        }

        /** Reads message data up to its end ("CRLF . CRLF"), {@code blockSize} bytes at a time with a pause before each. */
        void readDataSlowly(int blockSize, Duration pause) throws IOException, InterruptedException {
            byte[] block = new byte[blockSize];
            byte[] tail = new byte[5];
            while (true) {
                Thread.sleep(pause.toMillis());
                int count = in.read(block);
                if (count < 0) {
                    clientGone.countDown();
                    throw new IOException("client closed the connection");
                }
                for (int i = 0; i < count; i++) {
                    System.arraycopy(tail, 1, tail, 0, 4);
                    tail[4] = block[i];
                }
                if (new String(tail, UTF_8).equals("\r\n.\r\n")) {
                    return;
                }
            }
        }

        /** Reads until the client closes the connection. */
        void readUntilClientIsGone() throws IOException {
            byte[] buffer = new byte[8192];
            while (in.read(buffer) >= 0) {
                // discard
            }
            clientGone.countDown();
        }

        /** The usual start: greeting and an EHLO reply with the given extensions. */
        void greetAndAnswerEhlo(String... extensions) throws IOException {
            send("220 peer.test ESMTP\r\n");
            readLine();
            StringBuilder reply = new StringBuilder("250");
            reply.append(extensions.length == 0 ? " " : "-").append("peer.test\r\n");
            for (int i = 0; i < extensions.length; i++) {
                reply.append(i == extensions.length - 1 ? "250 " : "250-").append(extensions[i]).append("\r\n");
            }
            send(reply.toString());
        }

        /** Greeting, EHLO (8BITMIME), MAIL and one RCPT accepted, DATA answered 354: the message comes next. */
        void acceptOneRecipientUpToTheData() throws IOException {
            greetAndAnswerEhlo("8BITMIME");
            readLine();
            send("250 2.1.0 OK\r\n");
            readLine();
            send("250 2.1.5 OK\r\n");
            readLine();
            send("354 go ahead\r\n");
        }

        /** Blocks until the test closes the peer. */
        void hang() throws InterruptedException {
            new CountDownLatch(1).await();
        }
    }
}
