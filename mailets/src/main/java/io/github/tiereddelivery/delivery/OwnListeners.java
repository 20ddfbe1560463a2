package io.github.tiereddelivery.delivery;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

import org.apache.james.smtpserver.netty.SMTPServerFactory;

import com.google.common.collect.ImmutableList;

/**
 * Where this James' own SMTP servers listen, and the names they greet with. A route that resolves to one of them, or
 * to a server that answers EHLO with one of those names (this James behind a proxy, a NAT or another address), would
 * hand the mail back to this James, which would route it out again: a mail loop (SPEC "Delivery behaviour"; Postfix
 * compares the EHLO name with $myhostname the same way).
 */
public final class OwnListeners {
    private final Supplier<List<InetSocketAddress>> listeners;
    private final Supplier<List<String>> names;

    OwnListeners(Supplier<List<InetSocketAddress>> listeners, Supplier<List<String>> names) {
        this.listeners = listeners;
        this.names = names;
    }

    /**
     * Asked at delivery time: James starts its SMTP servers after the mailets. Until then none listens (James knows
     * no server yet), yet mail a persistent queue kept across a restart is delivered from the mailets' start.
     */
    public static OwnListeners of(SMTPServerFactory smtpServers) {
        return new OwnListeners(() -> Optional.ofNullable(smtpServers.getServers()).orElse(List.of()).stream()
                .flatMap(server -> server.getListenAddresses().stream())
                .collect(ImmutableList.toImmutableList()),
            () -> Optional.ofNullable(smtpServers.getServers()).orElse(List.of()).stream()
                .map(server -> server.getHelloName())
                .filter(Objects::nonNull)
                .collect(ImmutableList.toImmutableList()));
    }

    public static OwnListeners none() {
        return new OwnListeners(List::of, List::of);
    }

    /**
     * Whether {@code name} is what one of this James' SMTP servers calls itself (its {@code helloName}, by default the
     * machine's name). "localhost" names no machine in particular and never matches.
     */
    public boolean isOwnName(String name) {
        return !name.isEmpty() && !name.toLowerCase(Locale.ROOT).startsWith("localhost")
            && names.get().stream().anyMatch(name::equalsIgnoreCase);
    }

    public boolean isOwn(InetSocketAddress target) {
        return listeners.get().stream().anyMatch(listener -> listener.getPort() == target.getPort()
            && (listener.getAddress().equals(target.getAddress())
                || listener.getAddress().isAnyLocalAddress() && isLocal(target.getAddress())));
    }

    /** A listener on the wildcard address answers on every address of this host, 127.0.0.0/8 included. */
    private static boolean isLocal(InetAddress address) {
        if (address.isLoopbackAddress() || address.isAnyLocalAddress()) {
            return true;
        }
        try {
            return NetworkInterface.getByInetAddress(address) != null;
        } catch (SocketException e) {
            return false;
        }
    }
}
