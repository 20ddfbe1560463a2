package io.github.tiereddelivery.guice;

import com.google.inject.AbstractModule;
import com.google.inject.Scopes;

import io.github.tiereddelivery.delivery.DeliveryRegistry;
import io.github.tiereddelivery.delivery.RoutesFiles;
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
        // One RoutesFile per path, shared by the mailets and WebAdmin.
        bind(RoutesFiles.class).in(Scopes.SINGLETON);
        // The running mailets, for WebAdmin's dry runs and the health check.
        bind(DeliveryRegistry.class).in(Scopes.SINGLETON);
    }
}
