package io.github.tiereddelivery.demo;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/** Ports to listen on: a preferred one when nothing listens there, else one the system picks. */
final class FreePort {
    private FreePort() {
    }

    /** A port nothing listens on at {@code host} right now (the system's choice). */
    static InetSocketAddress on(String host) throws IOException {
        return preferredOrFree(host, 0);
    }

    /** {@code host:preferred} when nothing listens there right now, else {@link #on}. */
    static InetSocketAddress preferredOrFree(String host, int preferred) throws IOException {
        InetAddress address = InetAddress.getByName(host);
        try (ServerSocket socket = new ServerSocket(preferred, 1, address)) {
            return new InetSocketAddress(host, socket.getLocalPort());
        } catch (IOException taken) {
            if (preferred == 0) {
                throw taken;
            }
            return on(host);
        }
    }
}
