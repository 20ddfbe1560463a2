package io.github.tiereddelivery.delivery;

import java.util.List;
import java.util.Optional;

import io.github.tiereddelivery.routes.Balancing;
import io.github.tiereddelivery.routes.TlsPolicy;
import io.github.tiereddelivery.smtp.Credentials;

/**
 * A resolved target: its tiers in preference order (lowest first), how to balance inside a tier, and how to talk to
 * its servers. Built per delivery attempt from DNS answers that dnsjava caches for their TTL.
 */
public record RoutePlan(DeliveryTarget target, List<Tier> tiers, Balancing balancing, Optional<TlsPolicy> tls,
                        Optional<Credentials> credentials) {
    public RoutePlan {
        tiers = List.copyOf(tiers);
    }

    public String describe() {
        return target.describe();
    }
}
