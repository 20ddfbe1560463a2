package io.github.tiereddelivery.guice;

import java.util.List;
import java.util.stream.Collectors;

import javax.inject.Inject;

import org.apache.james.core.healthcheck.ComponentName;
import org.apache.james.core.healthcheck.HealthCheck;
import org.apache.james.core.healthcheck.Result;
import org.reactivestreams.Publisher;

import io.github.tiereddelivery.delivery.DeliveryHealth;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * James health check "Tiered Delivery" (WebAdmin {@code /healthcheck}); enabled by
 * {@code additional.healthchecks=io.github.tiereddelivery.guice.TieredDeliveryHealthCheck} in healthcheck.properties.
 * Unhealthy when a routes file on disk is invalid or a route has no server up; degraded when a route's first tier is
 * entirely down or a route loops back to this James.
 */
public class TieredDeliveryHealthCheck implements HealthCheck {
    public static final ComponentName COMPONENT = new ComponentName("Tiered Delivery");

    private final DeliveryHealth health;

    @Inject
    public TieredDeliveryHealthCheck(DeliveryHealth health) {
        this.health = health;
    }

    @Override
    public ComponentName componentName() {
        return COMPONENT;
    }

    @Override
    public Publisher<Result> check() {
        return Mono.fromCallable(this::evaluate).subscribeOn(Schedulers.boundedElastic());
    }

    private Result evaluate() {
        List<DeliveryHealth.Finding> findings = health.findings();
        String unhealthy = describe(findings, DeliveryHealth.Severity.UNHEALTHY);
        if (!unhealthy.isEmpty()) {
            return Result.unhealthy(COMPONENT, unhealthy);
        }
        String degraded = describe(findings, DeliveryHealth.Severity.DEGRADED);
        if (!degraded.isEmpty()) {
            return Result.degraded(COMPONENT, degraded);
        }
        return Result.healthy(COMPONENT);
    }

    private static String describe(List<DeliveryHealth.Finding> findings, DeliveryHealth.Severity severity) {
        return findings.stream()
            .filter(finding -> finding.severity() == severity)
            .map(DeliveryHealth.Finding::message)
            .collect(Collectors.joining("; "));
    }
}
