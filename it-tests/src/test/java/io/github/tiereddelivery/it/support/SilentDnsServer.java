package io.github.tiereddelivery.it.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * A DNS server that never answers: a UDP port that is bound (so no "port unreachable" comes back) and never read. What
 * a resolver sees of a DNS server that hangs or whose packets are dropped by a firewall.
 */
public final class SilentDnsServer implements AutoCloseable {
    private final DatagramSocket socket;

    private SilentDnsServer(DatagramSocket socket) {
        this.socket = socket;
    }

    public static SilentDnsServer start() {
        try {
            return new SilentDnsServer(new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot bind a UDP port for the silent DNS server", e);
        }
    }

    /** "127.0.0.1:port", the form of the mailet's {@code dnsServers} parameter. */
    public String resolverAddress() {
        return socket.getLocalAddress().getHostAddress() + ":" + socket.getLocalPort();
    }

    @Override
    public void close() {
        socket.close();
    }
}
