package io.github.tiereddelivery.delivery;

import java.time.Duration;
import java.util.Collection;

import com.google.common.cache.Cache;
import com.google.common.cache.CacheBuilder;

/** The plans deliveries used lately, per target: what the health check judges. Bounded, and forgets idle targets. */
public class RecentPlans {
    private static final int MAX_TARGETS = 10_000;
    private static final Duration IDLE = Duration.ofHours(1);

    private final Cache<String, RoutePlan> plans = CacheBuilder.newBuilder()
        .maximumSize(MAX_TARGETS)
        .expireAfterWrite(IDLE)
        .build();

    public void used(RoutePlan plan) {
        plans.put(plan.target().key(), plan);
    }

    public Collection<RoutePlan> plans() {
        return plans.asMap().values();
    }
}
