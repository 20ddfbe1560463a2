package io.github.tiereddelivery.delivery;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

import com.google.common.net.HostAndPort;
import com.google.common.net.InetAddresses;

import io.github.tiereddelivery.routes.Balancing;
import io.github.tiereddelivery.routes.Destination;
import io.github.tiereddelivery.routes.HostSpec;
import io.github.tiereddelivery.routes.Route;
import io.github.tiereddelivery.routes.RouteKey;
import io.github.tiereddelivery.smtp.Credentials;

/**
 * Stock RemoteDelivery's {@code gateway} parameter as a route for everything without one: with {@code loadBalancing}
 * (stock default) the gateways share one tier, without it they are tried in the order given, one tier each.
 */
public final class GatewayRoute {
    private static final int FIRST_PREFERENCE = 10;

    private GatewayRoute() {
    }

    public static Optional<Route> from(DeliveryConfiguration configuration) throws InvalidParameterException {
        if (configuration.gateway().isEmpty()) {
            return Optional.empty();
        }
        List<HostSpec> hosts = new ArrayList<>();
        for (int i = 0; i < configuration.gateway().size(); i++) {
            int preference = configuration.loadBalancing() ? FIRST_PREFERENCE : FIRST_PREFERENCE * (i + 1);
            hosts.add(host(configuration.gateway().get(i), configuration.gatewayPort(), preference));
        }
        return Optional.of(new Route(new RouteKey.Default(), new Destination.Hosts(hosts), Balancing.RANDOM,
            OptionalInt.empty(), Optional.empty(), Optional.empty(), 0));
    }

    public static Optional<Credentials> credentials(DeliveryConfiguration configuration) {
        return configuration.gatewayUsername()
            .map(username -> new Credentials(username, configuration.gatewayPassword().orElse("")));
    }

    /** Stock syntax: {@code host}, {@code host:port} or an IP address; {@code gatewayPort} applies to entries without a port. */
    private static HostSpec host(String entry, Optional<Integer> gatewayPort, int preference) throws InvalidParameterException {
        try {
            HostAndPort hostAndPort = HostAndPort.fromString(entry);
            OptionalInt port = hostAndPort.hasPort() ? OptionalInt.of(hostAndPort.getPort())
                : gatewayPort.map(OptionalInt::of).orElse(OptionalInt.empty());
            return new HostSpec(hostAndPort.getHost(), InetAddresses.isInetAddress(hostAndPort.getHost()), port, preference,
                HostSpec.DEFAULT_WEIGHT);
        } catch (IllegalArgumentException e) {
            throw ParameterReader.invalid("gateway", entry, e.getMessage() + "; write host[:port] entries separated by commas, "
                + "e.g. smarthost.example.net:587, 192.0.2.7");
        }
    }
}
