package io.github.tiereddelivery.delivery;

import static io.github.tiereddelivery.delivery.Servers.server;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.tiereddelivery.delivery.DeliveryHealth.Finding;
import io.github.tiereddelivery.delivery.DeliveryHealth.Severity;
import io.github.tiereddelivery.routes.Balancing;
import io.github.tiereddelivery.routes.RouteTable;

class DeliveryHealthTest {
    private static final Server PRIMARY = server("mx1.acme.test", "127.0.0.2", 10);
    private static final Server PRIMARY_TWIN = server("mx2.acme.test", "127.0.0.3", 10);
    private static final Server BACKUP = server("backup.acme.test", "127.0.0.4", 20);

    @TempDir
    Path conf;

    private final ServerHealth serverHealth = new ServerHealth();
    private final DeliveryRegistry registry = new DeliveryRegistry();
    private final RecentPlans recentPlans = new RecentPlans();
    private RoutesFile routesFile;

    @BeforeEach
    void setUp() throws Exception {
        Path path = conf.resolve("delivery-routes.xml");
        Files.writeString(path, "<delivery-routes/>");
        routesFile = RoutesFile.load(path, true);
        registry.register(new DeliveryRegistry.Engine("test", routesFile, new Router(RouteTable::empty, Optional.empty()),
            null, new OwnListeners(() -> List.of(BACKUP.address()), List::of), recentPlans));
        recentPlans.used(new RoutePlan(new DeliveryTarget.DomainMx("acme.test"),
            RoutePlanner.tiers(List.of(PRIMARY, PRIMARY_TWIN)), Balancing.RANDOM, Optional.empty(), Optional.empty()));
    }

    private List<Finding> findings() {
        return new DeliveryHealth(registry, serverHealth).findings();
    }

    @Test
    void nothingToReportWhileTheServersAreUp() {
        assertThat(findings()).isEmpty();
    }

    @Test
    void aRouteWithItsFirstTierDownIsDegraded() {
        recentPlans.used(new RoutePlan(new DeliveryTarget.DomainMx("acme.test"),
            RoutePlanner.tiers(List.of(PRIMARY, server("b.acme.test", "127.0.0.5", 20))), Balancing.RANDOM, Optional.empty(), Optional.empty()));
        serverHealth.failed(PRIMARY, "connection refused");

        assertThat(findings()).singleElement().satisfies(finding -> {
            assertThat(finding.severity()).isEqualTo(Severity.DEGRADED);
            assertThat(finding.message()).contains("MX of acme.test: the first tier is down", "connection refused");
        });
    }

    @Test
    void aRouteWithNoServerUpIsUnhealthy() {
        serverHealth.failed(PRIMARY, "connection refused");
        serverHealth.failed(PRIMARY_TWIN, "no greeting within 2000 ms");

        assertThat(findings()).singleElement().satisfies(finding -> {
            assertThat(finding.severity()).isEqualTo(Severity.UNHEALTHY);
            assertThat(finding.message()).contains("no server up", "no greeting within 2000 ms");
        });
    }

    @Test
    void aRouteThatLoopsBackIsDegraded() {
        recentPlans.used(new RoutePlan(new DeliveryTarget.DomainMx("loop.test"), RoutePlanner.tiers(List.of(BACKUP)),
            Balancing.RANDOM, Optional.empty(), Optional.empty()));

        assertThat(findings()).extracting(Finding::severity, Finding::message)
            .containsExactly(tuple(Severity.DEGRADED,
                "MX of loop.test resolves to backup.acme.test[127.0.0.4]:25, where this James listens: mail loop, the server is not used"));
    }

    @Test
    void anInvalidRoutesFileOnDiskIsUnhealthy() throws Exception {
        Files.writeString(routesFile.path(), "<delivery-routes><route/></delivery-routes>");
        Files.setLastModifiedTime(routesFile.path(), FileTime.from(Instant.parse("2030-01-01T00:00:00Z")));
        routesFile.reloadIfChanged();

        assertThat(findings()).singleElement().satisfies(finding -> {
            assertThat(finding.severity()).isEqualTo(Severity.UNHEALTHY);
            assertThat(finding.message()).contains("on disk is refused");
        });
    }
}
