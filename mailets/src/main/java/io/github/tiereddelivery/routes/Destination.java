package io.github.tiereddelivery.routes;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/** Where a route sends mail: listed servers, or the servers named by the MX records of a transport host name. */
public sealed interface Destination {

    /** The {@code <host>} children of a route, in file order; never empty, each server listed once. */
    record Hosts(List<HostSpec> hosts) implements Destination {
        public Hosts {
            hosts = List.copyOf(hosts);
            if (hosts.isEmpty()) {
                throw new IllegalArgumentException("a route needs at least one host, e.g. mail1.acme.test");
            }
            Set<String> seen = new HashSet<>();
            for (HostSpec host : hosts) {
                if (!seen.add(host.asString())) {
                    throw new IllegalArgumentException(host.asString() + " is listed twice; list each server once");
                }
            }
        }
    }

    /**
     * The MX records of {@code name} (not of the recipient domain) define the servers and their preferences.
     *
     * @param name the transport host name, lower-case A-label
     */
    record MxOf(String name) implements Destination {
        public MxOf {
            Objects.requireNonNull(name, "name");
            if (HostNames.isIpAddress(name) || name.startsWith("[")) {
                throw new IllegalArgumentException("mx takes a host name whose MX records list the servers, not an "
                    + "IP address; list a fixed address as a host instead, e.g. [192.0.2.7]");
            }
            try {
                name = HostNames.toALabel(name);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(e.getMessage() + "; write the transport host name whose MX "
                    + "records list the servers, e.g. mx=\"delivery.acme.test\"", e);
            }
        }
    }
}
