package io.github.tiereddelivery.delivery;

import static io.github.tiereddelivery.delivery.Servers.server;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import io.github.tiereddelivery.delivery.ServerHealth.Availability;

class ServerHealthTest {
    private static final Server MX = server("mx1.acme.test", "127.0.0.2", 10);

    private final ManualClock clock = new ManualClock();
    private final ServerHealth health = new ServerHealth(clock);

    @Test
    void aServerNeverSeenFailingIsUp() {
        assertThat(health.availability(MX)).isEqualTo(Availability.UP);
    }

    @Test
    void aFailedServerIsDownForThirtySeconds() {
        health.failed(MX, "connection refused");

        clock.advance(Duration.ofSeconds(29));
        assertThat(health.availability(MX)).isEqualTo(Availability.DOWN);
        clock.advance(Duration.ofSeconds(1));
        assertThat(health.availability(MX)).isEqualTo(Availability.PROBE);
    }

    @Test
    void onlyOneCallerProbesWhenTheIntervalEnds() {
        health.failed(MX, "connection refused");
        clock.advance(Duration.ofSeconds(30));

        assertThat(health.availability(MX)).isEqualTo(Availability.PROBE);
        assertThat(health.availability(MX)).isEqualTo(Availability.DOWN);
        assertThat(health.availability(MX)).isEqualTo(Availability.DOWN);
    }

    @Test
    void aProbeClaimedButNotMadeCanBeClaimedAgainAfterItsWindow() {
        health.failed(MX, "connection refused");
        clock.advance(Duration.ofSeconds(30));
        health.availability(MX);

        clock.advance(ServerHealth.PROBE_WINDOW);

        assertThat(health.availability(MX)).isEqualTo(Availability.PROBE);
    }

    @Test
    void aProbeGivenBackUnmadeCanBeClaimedAgainAtOnce() {
        health.failed(MX, "connection refused");
        clock.advance(Duration.ofSeconds(30));
        health.availability(MX);

        health.probeNotMade(MX);

        assertThat(health.availability(MX)).isEqualTo(Availability.PROBE);
    }

    @Test
    void givingBackAProbeNeverTurnsADownServerUp() {
        health.failed(MX, "connection refused");

        health.probeNotMade(MX);

        assertThat(health.availability(MX)).isEqualTo(Availability.DOWN);
    }

    @Test
    void eachFailureDoublesTheIntervalUpToTenMinutes() {
        Duration expected = Duration.ofSeconds(30);
        for (int failure = 0; failure < 8; failure++) {
            health.failed(MX, "no greeting");
            clock.advance(expected.minusSeconds(1));
            assertThat(health.availability(MX)).isEqualTo(Availability.DOWN);
            clock.advance(Duration.ofSeconds(1));
            assertThat(health.availability(MX)).isEqualTo(Availability.PROBE);
            expected = expected.multipliedBy(2).compareTo(Duration.ofMinutes(10)) > 0 ? Duration.ofMinutes(10) : expected.multipliedBy(2);
        }
    }

    @Test
    void failuresWhileTheServerIsAlreadyDownDoNotLengthenItsInterval() {
        health.failed(MX, "connection refused");
        clock.advance(Duration.ofSeconds(10));
        health.failed(MX, "connection refused");

        clock.advance(Duration.ofSeconds(20));

        assertThat(health.availability(MX)).isEqualTo(Availability.PROBE);
    }

    @Test
    void aSessionResetsTheMemory() {
        health.failed(MX, "connection refused");
        health.failed(MX, "connection refused");

        health.responded(MX);

        assertThat(health.availability(MX)).isEqualTo(Availability.UP);
        health.failed(MX, "connection refused");
        clock.advance(Duration.ofSeconds(30));
        assertThat(health.availability(MX)).isEqualTo(Availability.PROBE);
    }

    @Test
    void anAddressReachedBySeveralNamesIsOneServerListingEveryNameMostRecentFirst() {
        Server byLiteral = new Server("127.0.0.2", MX.address(), 10, 1);
        Server byOtherName = new Server("backup.acme.test", MX.address(), 20, 1);

        health.sessionOpened(MX);
        health.sessionOpened(byLiteral);
        health.failed(byOtherName, "connection refused");
        health.sessionOpened(byLiteral);

        assertThat(health.statuses()).singleElement().satisfies(status -> {
            assertThat(status.hostnames()).containsExactly("127.0.0.2", "backup.acme.test", MX.hostname());
            assertThat(status.hostname()).isEqualTo("127.0.0.2");
            assertThat(status.sessions()).isEqualTo(3);
            assertThat(status.failures()).isEqualTo(1);
        });
    }

    @Test
    void theStatusTellsTheLastErrorAndTheCounts() {
        health.failed(MX, "connect to mx1.acme.test[127.0.0.2]:25: connection refused");
        health.sessionOpened(MX);
        health.responded(MX);
        health.delivered(MX, 3);
        health.failed(MX, "no greeting within 2000 ms");

        ServerHealth.ServerStatus status = health.status(MX.address()).orElseThrow();

        assertThat(status.down()).isTrue();
        assertThat(status.downUntil()).contains(clock.instant().plusSeconds(30));
        assertThat(status.lastError()).contains("no greeting within 2000 ms");
        assertThat(status.sessions()).isEqualTo(1);
        assertThat(status.failures()).isEqualTo(2);
        assertThat(status.deliveredRecipients()).isEqualTo(3);
        assertThat(status.consecutiveFailures()).isEqualTo(1);
    }
}
