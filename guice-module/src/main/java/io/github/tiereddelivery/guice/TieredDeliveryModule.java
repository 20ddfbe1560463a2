package io.github.tiereddelivery.guice;

import com.google.inject.AbstractModule;
import com.google.inject.Scopes;

import io.github.tiereddelivery.delivery.ServerHealth;

/**
 * Guice bindings James loads through {@code guice.extension.module} in {@code extensions.properties}. James creates the
 * mailets, WebAdmin extension routes and additional health checks with these bindings, so the singletons below are
 * shared by every TieredRemoteDelivery mailet and what reports on them.
 */
public class TieredDeliveryModule extends AbstractModule {
    @Override
    protected void configure() {
        // SPEC: the memory of servers that failed is per JVM.
        bind(ServerHealth.class).in(Scopes.SINGLETON);
    }
}
