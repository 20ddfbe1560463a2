package io.github.tiereddelivery.mailets;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Collection;

import org.apache.james.dnsservice.api.DNSService;

/** A DNSService that only knows this machine: the given host name at 127.0.0.1. */
class FixedHostDnsService implements DNSService {
    private final String hostName;

    FixedHostDnsService(String hostName) {
        this.hostName = hostName;
    }

    @Override
    public InetAddress getLocalHost() throws UnknownHostException {
        return InetAddress.getByAddress(hostName, new byte[] {127, 0, 0, 1});
    }

    @Override
    public String getHostName(InetAddress addr) {
        return hostName;
    }

    @Override
    public Collection<String> findMXRecords(String hostname) {
        throw new UnsupportedOperationException("no DNS look-ups in this test");
    }

    @Override
    public Collection<String> findTXTRecords(String hostname) {
        throw new UnsupportedOperationException("no DNS look-ups in this test");
    }

    @Override
    public Collection<InetAddress> getAllByName(String host) {
        throw new UnsupportedOperationException("no DNS look-ups in this test");
    }

    @Override
    public InetAddress getByName(String host) {
        throw new UnsupportedOperationException("no DNS look-ups in this test");
    }
}
