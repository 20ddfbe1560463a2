package io.github.tiereddelivery.webadmin;

import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.github.tiereddelivery.routes.Destination;
import io.github.tiereddelivery.routes.HostSpec;
import io.github.tiereddelivery.routes.Route;
import io.github.tiereddelivery.routes.RouteKey;
import io.github.tiereddelivery.routes.TlsPolicy;

/**
 * A route as WebAdmin shows it, in the fields {@link RouteRequestReader} reads, so that a GET body can be PUT back
 * unchanged. {@code domain} or {@code recipient} only in the list of all routes.
 */
@JsonInclude(JsonInclude.Include.NON_ABSENT)
public record RouteBody(Optional<String> domain, Optional<String> recipient, Optional<List<HostBody>> hosts,
                        Optional<String> mx, Optional<Integer> port, String balancing, Optional<String> tls,
                        Optional<String> auth) {

    /** One server; {@code host} is a name, or an IP address without brackets. */
    @JsonInclude(JsonInclude.Include.NON_ABSENT)
    public record HostBody(String host, Optional<Integer> port, int preference, int weight) {
        static HostBody of(HostSpec host) {
            return new HostBody(host.host(), host.port().isPresent() ? Optional.of(host.port().getAsInt()) : Optional.empty(),
                host.preference(), host.weight());
        }
    }

    /** The body of {@code GET /delivery-routes/domains/{domain}}: the route without its key. */
    public static RouteBody of(Route route) {
        return of(route, Optional.empty(), Optional.empty());
    }

    /** An element of {@code GET /delivery-routes}: the route with its {@code domain} or {@code recipient}. */
    public static RouteBody withKey(Route route) {
        boolean recipient = route.key() instanceof RouteKey.Recipient;
        String key = route.key().asString();
        return of(route, recipient ? Optional.empty() : Optional.of(key), recipient ? Optional.of(key) : Optional.empty());
    }

    private static RouteBody of(Route route, Optional<String> domain, Optional<String> recipient) {
        Optional<List<HostBody>> hosts = Optional.empty();
        Optional<String> mx = Optional.empty();
        if (route.destination() instanceof Destination.Hosts listed) {
            hosts = Optional.of(listed.hosts().stream().map(HostBody::of).toList());
        } else if (route.destination() instanceof Destination.MxOf mxOf) {
            mx = Optional.of(mxOf.name());
        }
        return new RouteBody(domain, recipient, hosts, mx,
            route.port().isPresent() ? Optional.of(route.port().getAsInt()) : Optional.empty(),
            route.balancing().asString(), route.tls().map(TlsPolicy::asString), route.auth());
    }
}
