package io.github.tiereddelivery.delivery;

import java.util.List;

/** The servers of one preference: tried in the order the route's balancing gives, before any higher preference. */
public record Tier(int preference, List<Server> servers) {
    public Tier {
        servers = List.copyOf(servers);
    }
}
