package io.github.tiereddelivery.guice;

import com.google.inject.AbstractModule;

/** Guice bindings James loads through {@code guice.extension.module} in {@code extensions.properties}. */
public class TieredDeliveryModule extends AbstractModule {
    @Override
    protected void configure() {
    }
}
