package io.github.tiereddelivery.routes;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Pattern;

/**
 * One {@code <route>} of the routes file.
 *
 * @param key         what the route applies to
 * @param destination its servers, or the transport host name whose MX records give them
 * @param balancing   how a tier of equal-preference servers shares the load
 * @param port        the port of MX-derived servers, and of {@code <host>} entries written without one
 * @param tls         overrides the mailet's {@code startTLS} for this route when present
 * @param auth        the NAME of SMTP AUTH credentials in {@code delivery-routes-secrets.properties}
 * @param line        the route's line in the routes file; 0 when not read from a file
 */
public record Route(RouteKey key, Destination destination, Balancing balancing, OptionalInt port,
                    Optional<TlsPolicy> tls, Optional<String> auth, int line) {
    /** Usable in a properties key ({@code NAME.username}) without escaping. */
    private static final Pattern AUTH_NAME = Pattern.compile("[A-Za-z0-9._-]+");

    public Route {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(destination, "destination");
        Objects.requireNonNull(balancing, "balancing");
        Objects.requireNonNull(port, "port");
        Objects.requireNonNull(tls, "tls");
        Objects.requireNonNull(auth, "auth");
        if (port.isPresent() && !Ports.isValid(port.getAsInt())) {
            throw new IllegalArgumentException(Ports.RULE);
        }
        auth.ifPresent(Route::checkAuthName);
        if (line < 0) {
            throw new IllegalArgumentException("line must not be negative");
        }
    }

    /** A route with the defaults: random balancing, no port, tls or auth of its own, not from a file. */
    public static Route of(RouteKey key, Destination destination) {
        return new Route(key, destination, Balancing.RANDOM, OptionalInt.empty(), Optional.empty(), Optional.empty(),
            0);
    }

    /** For logs: {@code route *.initech.test (line 12)}. */
    public String describe() {
        String route = "route " + key.asString();
        return line > 0 ? route + " (line " + line + ")" : route;
    }

    /**
     * @throws IllegalArgumentException when the name cannot name credentials in the secrets file
     */
    public static void checkAuthName(String name) {
        if (!AUTH_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("auth names credentials in delivery-routes-secrets.properties "
                + "(NAME.username, NAME.password) and uses only letters, digits, '.', '-' and '_', e.g. auth=\"acme\"");
        }
    }
}
