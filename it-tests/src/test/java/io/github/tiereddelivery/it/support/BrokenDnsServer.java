package io.github.tiereddelivery.it.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Arrays;

/**
 * A DNS server that never gives an answer a resolver can use, in one of two ways a real one fails:
 * {@link #silent()}, a UDP port that is bound (so no "port unreachable" comes back) and never read, as a server that
 * hangs or whose packets a firewall drops; {@link #refusing()}, every question answered REFUSED (RCODE 5, RFC 1035
 * 4.1.1), as a recursive server reserved to another network.
 */
public final class BrokenDnsServer implements AutoCloseable {
    private static final int HEADER = 12;
    private static final int REFUSED = 5;

    private final DatagramSocket socket;

    private BrokenDnsServer(DatagramSocket socket) {
        this.socket = socket;
    }

    public static BrokenDnsServer silent() {
        return new BrokenDnsServer(bind());
    }

    public static BrokenDnsServer refusing() {
        BrokenDnsServer server = new BrokenDnsServer(bind());
        Thread answering = new Thread(server::refuseEveryQuestion, "refusing-dns-server");
        answering.setDaemon(true);
        answering.start();
        return server;
    }

    private static DatagramSocket bind() {
        try {
            return new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot bind a UDP port for a test DNS server", e);
        }
    }

    /** "127.0.0.1:port", the form of the mailet's {@code dnsServers} parameter. */
    public String resolverAddress() {
        return socket.getLocalAddress().getHostAddress() + ":" + socket.getLocalPort();
    }

    private void refuseEveryQuestion() {
        byte[] buffer = new byte[4096];
        while (!socket.isClosed()) {
            DatagramPacket query = new DatagramPacket(buffer, buffer.length);
            try {
                socket.receive(query);
                byte[] reply = refusal(Arrays.copyOf(query.getData(), query.getLength()));
                socket.send(new DatagramPacket(reply, reply.length, query.getSocketAddress()));
            } catch (IOException | RuntimeException e) {
                // closed, or a datagram that is no DNS query: nothing to answer
            }
        }
    }

    /** The query's header and question, as a response with RCODE REFUSED and no records. */
    private static byte[] refusal(byte[] query) {
        int end = HEADER;
        while (query[end] != 0) {
            end += (query[end] & 0xff) + 1;
        }
        end += 1 + 4;
        byte[] reply = Arrays.copyOf(query, end);
        reply[2] = (byte) (reply[2] | 0x80);
        reply[3] = (byte) ((reply[3] & 0xf0) | REFUSED);
        reply[4] = 0;
        reply[5] = 1;
        Arrays.fill(reply, 6, HEADER, (byte) 0);
        return reply;
    }

    @Override
    public void close() {
        socket.close();
    }
}
