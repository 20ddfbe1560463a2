package io.github.tiereddelivery.it.support;

import javax.inject.Inject;

import org.apache.james.utils.ClassName;
import org.apache.james.utils.GuiceGenericLoader;
import org.apache.james.utils.GuiceProbe;

import com.google.inject.Module;
import com.google.inject.multibindings.Multibinder;

import io.github.tiereddelivery.delivery.ServerHealth;

/**
 * Reaches what TieredDeliveryModule binds. James creates extensions (our mailets among them) with the injector of its
 * GuiceGenericLoader, a child of the server's injector that holds the extension module, so the probe asks that loader.
 */
public class TieredDeliveryProbe implements GuiceProbe {
    static final Module MODULE = binder -> Multibinder.newSetBinder(binder, GuiceProbe.class)
        .addBinding().to(TieredDeliveryProbe.class);

    private final GuiceGenericLoader loader;

    @Inject
    TieredDeliveryProbe(GuiceGenericLoader loader) {
        this.loader = loader;
    }

    /** The per-JVM memory of failed servers the mailets share. */
    public ServerHealth serverHealth() {
        try {
            return loader.instantiate(new ClassName(ServerHealth.class.getName()));
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(e);
        }
    }
}
