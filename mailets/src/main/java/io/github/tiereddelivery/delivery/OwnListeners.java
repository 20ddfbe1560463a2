package io.github.tiereddelivery.delivery;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

import org.apache.james.smtpserver.netty.SMTPServerFactory;

import com.google.common.collect.ImmutableList;

/**
 * Where this James' own SMTP servers listen. A route that resolves to one of them would hand the mail back to this
 * James, which would route it out again: a mail loop (SPEC "Delivery behaviour").
 */
public final class OwnListeners {
    private final Supplier<List<InetSocketAddress>> listeners;

    OwnListeners(Supplier<List<InetSocketAddress>> listeners) {
        this.listeners = listeners;
    }

    /**
     * Asked at delivery time: James starts its SMTP servers after the mailets. Until then none listens (James knows
     * no server yet), yet mail a persistent queue kept across a restart is delivered from the mailets' start.
     */
    public static OwnListeners of(SMTPServerFactory smtpServers) {
        return new OwnListeners(() -> Optional.ofNullable(smtpServers.getServers()).orElse(List.of()).stream()
            .flatMap(server -> server.getListenAddresses().stream())
            .collect(ImmutableList.toImmutableList()));
    }

    public static OwnListeners none() {
        return new OwnListeners(List::of);
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
