package io.github.tiereddelivery.delivery;

import java.net.InetAddress;
import java.net.InetSocketAddress;

import com.google.common.net.InetAddresses;

/**
 * One address to deliver to: what the route or the MX record named ({@code hostname}, used for TLS and in messages),
 * the address it resolved to, and the preference and weight it inherits. A host name with two A records is two servers.
 */
public record Server(String hostname, InetSocketAddress address, int preference, double weight) {

    public static Server of(String hostname, InetAddress address, int port, int preference, double weight) {
        return new Server(hostname, new InetSocketAddress(address, port), preference, weight);
    }

    /** Postfix's notation, {@code mail1.acme.test[127.0.0.2]:25}. */
    public String describe() {
        return hostname + "[" + InetAddresses.toAddrString(address.getAddress()) + "]:" + address.getPort();
    }

    @Override
    public String toString() {
        return describe();
    }
}
