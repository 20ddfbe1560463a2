package io.github.tiereddelivery.delivery;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import javax.inject.Singleton;

/** The TieredRemoteDelivery mailets running in this JVM, for WebAdmin's dry runs and for the health check. */
@Singleton
public class DeliveryRegistry {

    /** What one mailet delivers with. */
    public record Engine(String name, RoutesFile routesFile, Router router, RoutePlanner planner, OwnListeners ownListeners,
                         RecentPlans recentPlans) {
    }

    private final List<Engine> engines = new CopyOnWriteArrayList<>();

    public void register(Engine engine) {
        engines.add(engine);
    }

    public void unregister(Engine engine) {
        engines.remove(engine);
    }

    public List<Engine> engines() {
        return List.copyOf(engines);
    }

    /** The mailet delivering with that routes file, else the first one. */
    public Optional<Engine> engineFor(Path routesFile) {
        Path wanted = routesFile.toAbsolutePath().normalize();
        return engines.stream()
            .filter(engine -> engine.routesFile().path().equals(wanted))
            .findFirst()
            .or(() -> engines.stream().findFirst());
    }
}
