package io.github.tiereddelivery.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;

import org.apache.commons.configuration2.BaseHierarchicalConfiguration;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ResolverConfig;

import com.google.common.net.InetAddresses;

class JamesDnsServersTest {

    @Test
    void withoutAutodiscoveryTheListedServersAreAskedOnPort53() throws Exception {
        BaseHierarchicalConfiguration dnsservice = new BaseHierarchicalConfiguration();
        dnsservice.addProperty("autodiscover", false);
        dnsservice.addProperty("servers.server", "192.0.2.53");
        dnsservice.addProperty("servers.server", "2001:db8::53");

        assertThat(JamesDnsServers.from(dnsservice)).containsExactly(
            new InetSocketAddress(InetAddresses.forString("192.0.2.53"), 53),
            new InetSocketAddress(InetAddresses.forString("2001:db8::53"), 53));
    }

    @Test
    void aMissingDnsServiceFileMeansTheSystemsResolversAsForJames() throws Exception {
        assertThat(JamesDnsServers.from(new BaseHierarchicalConfiguration()))
            .isEqualTo(ResolverConfig.getCurrentConfig().servers());
    }

    @Test
    void aListedServerWithoutAddressStopsTheStartNamingDnsServiceAndTheFix() {
        BaseHierarchicalConfiguration dnsservice = new BaseHierarchicalConfiguration();
        dnsservice.addProperty("autodiscover", false);
        dnsservice.addProperty("servers.server", "no-such-resolver.invalid");

        assertThatThrownBy(() -> JamesDnsServers.from(dnsservice))
            .hasMessageContaining("dnsservice.xml")
            .hasMessageContaining("<server>no-such-resolver.invalid</server>")
            .hasMessageContaining("dnsServers");
    }
}
