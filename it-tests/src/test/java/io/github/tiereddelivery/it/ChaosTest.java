package io.github.tiereddelivery.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.github.tiereddelivery.it.support.DeliveryScenario;
import io.github.tiereddelivery.it.support.DnsZone;
import io.github.tiereddelivery.testing.ReceivedMessage;
import io.github.tiereddelivery.testing.ReceivingSmtpServer;

/**
 * 1000 messages through three servers in two tiers while the servers are killed and restarted at random every few
 * seconds and the DNS server is stopped for a while. At the end every Message-ID is counted where it arrived: none is
 * lost; duplicates (SMTP is at-least-once when the reply to the data is lost) are counted and reported.
 */
class ChaosTest {
    private static final Logger LOGGER = LoggerFactory.getLogger(ChaosTest.class);
    private static final int MESSAGES = 1000;
    private static final List<String> SERVERS = List.of("a", "b", "c");
    private static final long SEED = Long.getLong("chaos.seed", System.nanoTime());

    @RegisterExtension
    static final DeliveryScenario scenario = DeliveryScenario.builder()
        .server("a", "127.0.0.2").server("b", "127.0.0.3").server("c", "127.0.0.4")
        .dns(ChaosTest::records)
        .route("<route domain=\"chaos.test\"><host preference=\"10\">a.chaos.test</host>"
            + "<host preference=\"10\">b.chaos.test</host><host preference=\"20\">c.chaos.test</host></route>")
        .mailetParameter("delayTime", "1 second")
        .mailetParameter("maxRetries", "200")
        .build();

    private static void records(DnsZone.Builder zone) {
        zone.ttl(Duration.ofSeconds(1))
            .a("a.chaos.test", "127.0.0.2").a("b.chaos.test", "127.0.0.3").a("c.chaos.test", "127.0.0.4");
    }

    @Test
    void noMessageIsLostWhileServersAndDnsComeAndGo() throws Exception {
        LOGGER.info("chaos seed {} (rerun with -Dchaos.seed={})", SEED, SEED);
        Random random = new Random(SEED);
        AtomicBoolean chaos = new AtomicBoolean(true);
        AtomicInteger kills = new AtomicInteger();
        Thread monkey = new Thread(() -> causeChaos(random, chaos, kills), "chaos-monkey");
        monkey.start();
        List<String> sent;
        try {
            sent = scenario.send(MESSAGES, "user@chaos.test");
        } finally {
            chaos.set(false);
            monkey.join(30_000);
        }
        for (String name : SERVERS) {
            ReceivingSmtpServer server = scenario.server(name);
            if (!server.isRunning()) {
                server.restart();
            }
        }
        restartDns();

        Awaitility.await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500))
            .until(() -> received().keySet().containsAll(sent));

        Map<String, Long> received = received();
        long duplicates = received.values().stream().filter(count -> count > 1).mapToLong(count -> count - 1).sum();
        LOGGER.info("chaos: {} sent, {} distinct received, {} duplicates, {} server kills, {} bounces",
            sent.size(), received.size(), duplicates, kills.get(), scenario.bounces().size());
        System.out.printf("ChaosTest: %d messages sent, %d lost, %d duplicates after %d server kills and a DNS outage (seed %d)%n",
            sent.size(), sent.stream().filter(id -> !received.containsKey(id)).count(), duplicates, kills.get(), SEED);
        assertThat(received.keySet()).containsAll(sent);
        assertThat(scenario.bounces()).isEmpty();
        // Only a message whose reply to the data was lost may arrive twice: at most one per connection a kill cut.
        assertThat(duplicates).isLessThanOrEqualTo(kills.get() * 20L);
    }

    /** Message-ID → how many times it arrived, over the three servers. */
    private static Map<String, Long> received() {
        return SERVERS.stream()
            .flatMap(name -> scenario.server(name).messages().stream())
            .map(ReceivedMessage::messageId)
            .flatMap(Optional::stream)
            .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
    }

    /** Every 0.5–3 s a random server goes down or comes back; the DNS server is down from the 3rd to the 9th second. */
    private static void causeChaos(Random random, AtomicBoolean chaos, AtomicInteger kills) {
        long start = System.nanoTime();
        Set<String> down = new HashSet<>();
        boolean dnsStopped = false;
        boolean dnsRestarted = false;
        try {
            while (chaos.get()) {
                Thread.sleep(500 + random.nextInt(2500));
                String name = SERVERS.get(random.nextInt(SERVERS.size()));
                if (down.remove(name)) {
                    scenario.server(name).restart();
                } else {
                    scenario.server(name).stop();
                    down.add(name);
                    kills.incrementAndGet();
                }
                Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
                if (!dnsStopped && elapsed.toSeconds() >= 3) {
                    scenario.dns().stop();
                    dnsStopped = true;
                    LOGGER.info("chaos: DNS stopped");
                } else if (dnsStopped && !dnsRestarted && elapsed.toSeconds() >= 9) {
                    restartDns();
                    dnsRestarted = true;
                    LOGGER.info("chaos: DNS back");
                }
            }
        } catch (Exception e) {
            LOGGER.error("chaos monkey failed", e);
        }
    }

    private static synchronized void restartDns() {
        DnsZone.Builder zone = DnsZone.builder();
        records(zone);
        scenario.dns().reload(zone.build());
    }
}
