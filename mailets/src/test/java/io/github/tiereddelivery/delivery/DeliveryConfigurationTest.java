package io.github.tiereddelivery.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;

import org.apache.james.queue.api.MailQueueName;
import org.apache.mailet.ProcessingState;
import org.apache.mailet.base.test.FakeMailetConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.github.tiereddelivery.pool.PoolLimits;

class DeliveryConfigurationTest {

    private static FakeMailetConfig.Builder config() {
        return FakeMailetConfig.builder().mailetName("TieredRemoteDelivery");
    }

    @Test
    void defaultsAreStockRemoteDeliveryDefaults() throws Exception {
        DeliveryConfiguration configuration = DeliveryConfiguration.from(config().build());

        assertThat(configuration.outgoingQueue()).isEqualTo(MailQueueName.of("outgoing"));
        assertThat(configuration.maxRetries()).isEqualTo(5);
        assertThat(configuration.delayBeforeRetry(1)).isEqualTo(Duration.ofHours(6));
        assertThat(configuration.maxDnsProblemRetries()).isZero();
        assertThat(configuration.smtpTimeout()).isEqualTo(Duration.ofMillis(180_000));
        assertThat(configuration.connectionTimeout()).isEqualTo(Duration.ofMillis(60_000));
        assertThat(configuration.startTls()).isFalse();
        assertThat(configuration.sslEnable()).isFalse();
        assertThat(configuration.verifyServerIdentity()).isTrue();
        assertThat(configuration.loadBalancing()).isTrue();
        assertThat(configuration.bounceProcessor()).isEmpty();
        assertThat(configuration.gateway()).isEmpty();
    }

    @Test
    void newParametersHaveTheirDefaults() throws Exception {
        DeliveryConfiguration configuration = DeliveryConfiguration.from(config().build());

        assertThat(configuration.routes()).isEqualTo("file://conf/delivery-routes.xml");
        assertThat(configuration.routesGiven()).isFalse();
        assertThat(configuration.dnsServers()).isEmpty();
        assertThat(configuration.defaultPort()).isEqualTo(25);
    }

    @Test
    void theDefaultPortIsSmtpsWhenSslIsEnabled() throws Exception {
        assertThat(DeliveryConfiguration.from(config().setProperty("sslEnable", "true").build()).defaultPort()).isEqualTo(465);
    }

    @Test
    void bothSpellingsOfTheQueueNameAreAccepted() throws Exception {
        assertThat(DeliveryConfiguration.from(config().setProperty("outgoing", "out1").build()).outgoingQueue())
            .isEqualTo(MailQueueName.of("out1"));
        assertThat(DeliveryConfiguration.from(config().setProperty("outgoingQueue", "out2").build()).outgoingQueue())
            .isEqualTo(MailQueueName.of("out2"));
    }

    @Test
    void twoSpellingsWithDifferentValuesAreRefused() {
        assertThatThrownBy(() -> DeliveryConfiguration.from(config()
                .setProperty("outgoing", "out1").setProperty("outgoingQueue", "out2").build()))
            .isInstanceOf(InvalidParameterException.class)
            .hasMessageContaining("<outgoing>out1</outgoing>")
            .hasMessageContaining("outgoingQueue");
    }

    @Test
    void bothSpellingsOfTheConnectionTimeoutAreAccepted() throws Exception {
        assertThat(DeliveryConfiguration.from(config().setProperty("connectiontimeout", "1500").build()).connectionTimeout())
            .isEqualTo(Duration.ofMillis(1500));
        assertThat(DeliveryConfiguration.from(config().setProperty("connectionTimeout", "2500").build()).connectionTimeout())
            .isEqualTo(Duration.ofMillis(2500));
    }

    @ParameterizedTest
    @ValueSource(strings = {"connectiontimeout", "connectionTimeout", "timeout", "mail.smtp.timeout",
        "mail.smtps.connectiontimeout"})
    void anInvalidTimeoutIsReportedUnderTheNameItWasGivenAs(String name) {
        assertThatThrownBy(() -> DeliveryConfiguration.from(config().setProperty(name, "soon").build()))
            .isInstanceOf(InvalidParameterException.class)
            .hasMessageStartingWith("TieredRemoteDelivery parameter <" + name + ">soon</" + name + "> is invalid: write a whole number");
    }

    @Test
    void delaysFollowStockSyntaxAndMaxRetries() throws Exception {
        DeliveryConfiguration configuration = DeliveryConfiguration.from(config()
            .setProperty("delayTime", "5000, 2*10 minutes, 1 hour")
            .setProperty("maxRetries", "4")
            .build());

        assertThat(configuration.maxRetries()).isEqualTo(4);
        assertThat(configuration.delayBeforeRetry(1)).isEqualTo(Duration.ofSeconds(5));
        assertThat(configuration.delayBeforeRetry(2)).isEqualTo(Duration.ofMinutes(10));
        assertThat(configuration.delayBeforeRetry(3)).isEqualTo(Duration.ofMinutes(10));
        assertThat(configuration.delayBeforeRetry(4)).isEqualTo(Duration.ofHours(1));
    }

    @Test
    void retriesPastMaxRetriesWaitAsLongAsTheLastDelay() throws Exception {
        DeliveryConfiguration configuration = DeliveryConfiguration.from(config()
            .setProperty("delayTime", "4000")
            .setProperty("maxRetries", "1")
            .setProperty("maxDnsProblemRetries", "3")
            .build());

        assertThat(configuration.delayBeforeRetry(2)).isEqualTo(Duration.ofSeconds(4));
        assertThat(configuration.delayBeforeRetry(3)).isEqualTo(Duration.ofSeconds(4));
    }

    @Test
    void anUnparsableDelayIsRefusedInsteadOfDropped() {
        assertThatThrownBy(() -> DeliveryConfiguration.from(config().setProperty("delayTime", "5000, soon").build()))
            .isInstanceOf(InvalidParameterException.class)
            .hasMessageContaining("\"soon\" is not a delay");
    }

    @Test
    void anUnparsableTimeoutIsRefusedInsteadOfDefaulted() {
        assertThatThrownBy(() -> DeliveryConfiguration.from(config().setProperty("timeout", "3s").build()))
            .isInstanceOf(InvalidParameterException.class)
            .hasMessageContaining("<timeout>3s</timeout>")
            .hasMessageContaining("milliseconds");
    }

    @Test
    void aBooleanMustBeTrueOrFalse() {
        assertThatThrownBy(() -> DeliveryConfiguration.from(config().setProperty("startTLS", "yes please").build()))
            .isInstanceOf(InvalidParameterException.class)
            .hasMessageContaining("write true or false");
    }

    @Test
    void aMisspeltParameterNameIsRefusedWithTheNameItLooksLike() {
        assertThatThrownBy(() -> DeliveryConfiguration.from(config().setProperty("route", "file://conf/other.xml").build()))
            .isInstanceOf(InvalidParameterException.class)
            .hasMessageContaining("<route>")
            .hasMessageContaining("did you mean <routes>?");
    }

    @Test
    void aParameterNameInTheWrongCaseIsRefused() {
        assertThatThrownBy(() -> DeliveryConfiguration.from(config().setProperty("maxretries", "2").build()))
            .isInstanceOf(InvalidParameterException.class)
            .hasMessageContaining("did you mean <maxRetries>?");
    }

    @Test
    void anUnknownParameterUnlikeAnyKnownOneIsIgnoredAsStockIgnoresIt() throws Exception {
        assertThat(DeliveryConfiguration.from(config().setProperty("comment", "relay for the branch offices").build()).maxRetries())
            .isEqualTo(5);
    }

    @Test
    void bindTakesAnIpAddress() throws Exception {
        assertThat(DeliveryConfiguration.from(config().setProperty("bind", "127.0.0.1").build()).bind())
            .contains(InetAddress.getByName("127.0.0.1"));
    }

    @Test
    void bindTakesAHostNameOfThisMachineAsStockDoes() throws Exception {
        assertThat(DeliveryConfiguration.from(config().setProperty("bind", "localhost").build()).bind())
            .hasValueSatisfying(address -> assertThat(address.isLoopbackAddress()).isTrue());
    }

    @Test
    void javaMailSslTrustOfAStarTrustsEveryServer() throws Exception {
        DeliveryConfiguration configuration = DeliveryConfiguration.from(config().setProperty("mail.smtps.ssl.trust", "*").build());

        assertThat(configuration.sslTrusts("mx.acme.test")).isTrue();
    }

    @Test
    void javaMailSslTrustOfHostNamesTrustsThoseServersOnly() throws Exception {
        DeliveryConfiguration configuration = DeliveryConfiguration.from(config()
            .setProperty("mail.smtp.ssl.trust", "mx1.acme.test  MX2.acme.test").build());

        assertThat(configuration.sslTrusts("mx2.acme.test")).isTrue();
        assertThat(configuration.sslTrusts("mx3.acme.test")).isFalse();
    }

    @Test
    void withoutJavaMailSslTrustNoServerIsTrustedUnverified() throws Exception {
        assertThat(DeliveryConfiguration.from(config().build()).sslTrusts("mx.acme.test")).isFalse();
    }

    @Test
    void deliveryThreadsIsHonoured() throws Exception {
        assertThat(DeliveryConfiguration.from(config().setProperty("deliveryThreads", "3").build()).deliveryThreads()).isEqualTo(3);
    }

    @Test
    void dnsServersTakeAnOptionalPort() throws Exception {
        DeliveryConfiguration configuration = DeliveryConfiguration.from(config()
            .setProperty("dnsServers", "127.0.0.1:5353, 192.0.2.53, [::1]:5300")
            .build());

        assertThat(configuration.dnsServers()).containsExactly(
            new InetSocketAddress("127.0.0.1", 5353), new InetSocketAddress("192.0.2.53", 53), new InetSocketAddress("::1", 5300));
    }

    @Test
    void aDnsServerMayBeNamedByAHostNameResolvedAtStart() throws Exception {
        DeliveryConfiguration configuration = DeliveryConfiguration.from(config().setProperty("dnsServers", "localhost:5353").build());

        assertThat(configuration.dnsServers()).singleElement()
            .satisfies(server -> {
                assertThat(server.getAddress().isLoopbackAddress()).isTrue();
                assertThat(server.getPort()).isEqualTo(5353);
            });
    }

    @Test
    void aDnsServerNameWithoutAddressStopsTheStart() {
        assertThatThrownBy(() -> DeliveryConfiguration.from(config().setProperty("dnsServers", "ns1.invalid").build()))
            .isInstanceOf(InvalidParameterException.class)
            .hasMessageContaining("\"ns1.invalid\" has no address");
    }

    @Test
    void aDnsServerPortMustBeAPort() {
        assertThatThrownBy(() -> DeliveryConfiguration.from(config().setProperty("dnsServers", "127.0.0.1:99999").build()))
            .isInstanceOf(InvalidParameterException.class)
            .hasMessageContaining("\"127.0.0.1:99999\" is not a host with an optional port");
    }

    @Test
    void theDefaultPortMustBeAPort() {
        assertThatThrownBy(() -> DeliveryConfiguration.from(config().setProperty("defaultPort", "70000").build()))
            .isInstanceOf(InvalidParameterException.class)
            .hasMessageContaining("from 1 to 65535");
    }

    @Test
    void javaMailTimeoutsOverrideTheParametersAsInStock() throws Exception {
        DeliveryConfiguration configuration = DeliveryConfiguration.from(config()
            .setProperty("timeout", "1000")
            .setProperty("mail.smtp.timeout", "2000")
            .build());

        assertThat(configuration.smtpTimeout()).isEqualTo(Duration.ofMillis(2000));
    }

    @Test
    void processorsAreRead() throws Exception {
        DeliveryConfiguration configuration = DeliveryConfiguration.from(config()
            .setProperty("bounceProcessor", "bounces")
            .setProperty("onSuccess", "delivered")
            .build());

        assertThat(configuration.bounceProcessor()).contains(new ProcessingState("bounces"));
        assertThat(configuration.onSuccess()).contains(new ProcessingState("delivered"));
    }

    @Test
    void theConnectionPoolGetsHalfTheDeliveryThreadsPerServerAHundredMessagesPerConnectionFiveSecondsOfIdleTimeAndA100msBusyWait()
            throws Exception {
        PoolLimits limits = DeliveryConfiguration.from(config().setProperty("deliveryThreads", "10").build()).poolLimits();

        assertThat(limits).isEqualTo(new PoolLimits(5, 100, Duration.ofSeconds(5), Duration.ofMillis(100)));
    }

    @Test
    void aSingleDeliveryThreadStillGetsOneConnectionPerServer() throws Exception {
        assertThat(DeliveryConfiguration.from(config().setProperty("deliveryThreads", "1").build())
            .poolLimits().maxConnectionsPerServer()).isEqualTo(1);
    }

    @Test
    void theConnectionPoolParametersAreRead() throws Exception {
        PoolLimits limits = DeliveryConfiguration.from(config()
            .setProperty("maxConnectionsPerServer", "3")
            .setProperty("maxMessagesPerConnection", "1")
            .setProperty("connectionIdleTime", "0")
            .build()).poolLimits();

        assertThat(limits.maxConnectionsPerServer()).isEqualTo(3);
        assertThat(limits.maxMessagesPerConnection()).isEqualTo(1);
        assertThat(limits.idleTime()).isZero();
        assertThat(limits.keepsConnections()).isFalse();
    }

    @Test
    void anIdleTimeLongerThanServersWaitIsRefused() {
        assertThatThrownBy(() -> DeliveryConfiguration.from(config().setProperty("connectionIdleTime", "600000").build()))
            .isInstanceOf(InvalidParameterException.class)
            .hasMessageContaining("<connectionIdleTime>600000</connectionIdleTime>")
            .hasMessageContaining("from 0 to 300000");
    }

    @Test
    void aServerNeedsAtLeastOneConnection() {
        assertThatThrownBy(() -> DeliveryConfiguration.from(config().setProperty("maxConnectionsPerServer", "0").build()))
            .isInstanceOf(InvalidParameterException.class)
            .hasMessageContaining("<maxConnectionsPerServer>0</maxConnectionsPerServer>");
    }
}
