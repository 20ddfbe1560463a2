package io.github.tiereddelivery.it.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Arrays;

/**
 * A DNS server that answers every question REFUSED (RCODE 5, RFC 1035 4.1.1): what a resolver sees of a server that
 * does not serve this client or this zone, e.g. a recursive server reserved to another network.
 */
public final class RefusingDnsServer implements AutoCloseable {
    private static final int HEADER = 12;
    private static final int REFUSED = 5;

    private final DatagramSocket socket;

    private RefusingDnsServer(DatagramSocket socket) {
        this.socket = socket;
        Thread answering = new Thread(this::answer, "refusing-dns-server");
        answering.setDaemon(true);
        answering.start();
    }

    public static RefusingDnsServer start() {
        try {
            return new RefusingDnsServer(new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot bind a UDP port for the refusing DNS server", e);
        }
    }

    /** "127.0.0.1:port", the form of the mailet's {@code dnsServers} parameter. */
    public String resolverAddress() {
        return socket.getLocalAddress().getHostAddress() + ":" + socket.getLocalPort();
    }

    private void answer() {
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
