package io.github.tiereddelivery.delivery;

import com.google.common.net.InetAddresses;

/** Test servers on loopback addresses. */
final class Servers {
    private Servers() {
    }

    static Server server(String hostname, String address, int preference) {
        return server(hostname, address, preference, 1);
    }

    static Server server(String hostname, String address, int preference, double weight) {
        return Server.of(hostname, InetAddresses.forString(address), 25, preference, weight);
    }
}
