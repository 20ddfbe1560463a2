package io.github.tiereddelivery.smtp;

import com.google.common.net.InetAddresses;
import java.net.InetAddress;
import java.util.Locale;
import java.util.Optional;

/**
 * Server names that are IP addresses: "192.0.2.7", "[192.0.2.7]", "2001:db8::1", "[IPv6:2001:db8::1]"
 * (address literals, RFC 5321 4.1.3).
 */
final class AddressLiteral {

    private AddressLiteral() {
    }

    static Optional<InetAddress> parse(String serverName) {
        String name = serverName;
        if (name.startsWith("[") && name.endsWith("]")) {
            name = name.substring(1, name.length() - 1);
            if (name.toLowerCase(Locale.ROOT).startsWith("ipv6:")) {
                name = name.substring("ipv6:".length());
            }
        }
        return InetAddresses.isInetAddress(name) ? Optional.of(InetAddresses.forString(name)) : Optional.empty();
    }
}
