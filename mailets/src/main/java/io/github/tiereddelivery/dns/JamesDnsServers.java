package io.github.tiereddelivery.dns;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

import javax.mail.MessagingException;

import org.apache.commons.configuration2.HierarchicalConfiguration;
import org.apache.commons.configuration2.tree.ImmutableNode;
import org.xbill.DNS.ResolverConfig;

/**
 * The DNS servers of James' own resolver, read from {@code conf/dnsservice.xml} as James' DNSJavaService reads it:
 * the system's resolvers unless {@code autodiscover} is false, then the {@code <server>}s listed (port 53). The default
 * of {@code dnsServers}, so that replacing stock RemoteDelivery asks the same DNS servers (a site with its own
 * resolvers names them there). Empty: {@link DnsResolver} asks 127.0.0.1, as James does.
 */
public final class JamesDnsServers {
    private static final int DNS_PORT = 53;

    private JamesDnsServers() {
    }

    public static List<InetSocketAddress> from(HierarchicalConfiguration<ImmutableNode> dnsservice) throws MessagingException {
        List<InetSocketAddress> servers = new ArrayList<>();
        if (dnsservice.getBoolean("autodiscover", true)) {
            servers.addAll(ResolverConfig.getCurrentConfig().servers());
        }
        for (String server : dnsservice.getStringArray("servers.server")) {
            servers.add(new InetSocketAddress(address(server.trim()), DNS_PORT));
        }
        return List.copyOf(servers);
    }

    /** An IP address as it is (no look-up), a name through the system's resolver, once, at start. */
    private static InetAddress address(String server) throws MessagingException {
        try {
            return InetAddress.getByName(server);
        } catch (UnknownHostException e) {
            throw new MessagingException("TieredRemoteDelivery takes its DNS servers from James' dnsservice.xml (no dnsServers "
                + "parameter), whose <server>" + server + "</server> has no address; write its IP address there, or give "
                + "the mailet a dnsServers parameter, e.g. <dnsServers>192.0.2.53</dnsServers>");
        }
    }
}
