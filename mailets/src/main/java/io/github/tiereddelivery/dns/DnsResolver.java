package io.github.tiereddelivery.dns;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Cache;
import org.xbill.DNS.DClass;
import org.xbill.DNS.ExtendedResolver;
import org.xbill.DNS.Lookup;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * MX and A/AAAA look-ups with dnsjava, keeping what James' DNSService drops (MX preferences, NXDOMAIN versus no
 * data versus temporary failure) and honouring record TTLs through one cache per resolver.
 *
 * <p>Only DNS is asked, never /etc/hosts (Postfix's default {@code smtp_host_lookup = dns}).
 */
public class DnsResolver {
    private static final Duration QUERY_TIMEOUT = Duration.ofSeconds(5);

    private final Resolver resolver;
    private final Cache cache;

    public static DnsResolver usingSystemServers() {
        ExtendedResolver resolver = new ExtendedResolver();
        resolver.setTimeout(QUERY_TIMEOUT);
        return new DnsResolver(resolver);
    }

    public static DnsResolver using(List<InetSocketAddress> servers) {
        if (servers.isEmpty()) {
            return usingSystemServers();
        }
        ExtendedResolver resolver = new ExtendedResolver(servers.stream()
            .map(SimpleResolver::new)
            .collect(Collectors.toList()));
        resolver.setTimeout(QUERY_TIMEOUT);
        return new DnsResolver(resolver);
    }

    DnsResolver(Resolver resolver) {
        this.resolver = resolver;
        this.cache = new Cache(DClass.IN);
    }

    public MxAnswer mx(String domain) throws TemporaryDnsFailure {
        Lookup lookup = run(domain, Type.MX);
        switch (lookup.getResult()) {
            case Lookup.SUCCESSFUL:
                return toMxAnswer(lookup.getAnswers());
            case Lookup.TYPE_NOT_FOUND:
                return new MxAnswer.NoMxRecords();
            case Lookup.HOST_NOT_FOUND:
                return new MxAnswer.NoSuchDomain();
            default:
                throw new TemporaryDnsFailure(domain, "MX", lookup.getErrorString());
        }
    }

    /**
     * Both A and AAAA. A temporary failure of one type is ignored when the other one gave addresses, as a resolver
     * asked for "any address" would do; when nothing was found and one of them failed, the failure wins.
     */
    public AddressAnswer addresses(String host) throws TemporaryDnsFailure {
        Lookup ipv4 = run(host, Type.A);
        if (ipv4.getResult() == Lookup.HOST_NOT_FOUND) {
            return new AddressAnswer.NoSuchHost();
        }
        Lookup ipv6 = run(host, Type.AAAA);
        List<InetAddress> addresses = new ArrayList<>();
        addAddresses(ipv4, addresses);
        addAddresses(ipv6, addresses);
        if (!addresses.isEmpty()) {
            return new AddressAnswer.Addresses(addresses);
        }
        if (isTemporary(ipv4)) {
            throw new TemporaryDnsFailure(host, "A", ipv4.getErrorString());
        }
        if (isTemporary(ipv6)) {
            throw new TemporaryDnsFailure(host, "AAAA", ipv6.getErrorString());
        }
        if (ipv6.getResult() == Lookup.HOST_NOT_FOUND) {
            return new AddressAnswer.NoSuchHost();
        }
        return new AddressAnswer.NoAddress();
    }

    private Lookup run(String name, int type) throws TemporaryDnsFailure {
        Lookup lookup = new Lookup(absolute(name, type), type);
        lookup.setResolver(resolver);
        lookup.setCache(cache);
        lookup.setHostsFileParser(null);
        lookup.run();
        return lookup;
    }

    private static Name absolute(String name, int type) throws TemporaryDnsFailure {
        try {
            return Name.fromString(name, Name.root);
        } catch (TextParseException e) {
            // Names reach us validated (routes file, RFC 5321 addresses); an unparsable one cannot get better later,
            // but a DNS problem must never bounce mail on its own: the caller defers and reports it.
            throw new TemporaryDnsFailure(name, Type.string(type), "not a valid DNS name: " + e.getMessage());
        }
    }

    private static boolean isTemporary(Lookup lookup) {
        return lookup.getResult() == Lookup.TRY_AGAIN || lookup.getResult() == Lookup.UNRECOVERABLE;
    }

    private static void addAddresses(Lookup lookup, List<InetAddress> addresses) {
        if (lookup.getResult() != Lookup.SUCCESSFUL) {
            return;
        }
        for (Record record : lookup.getAnswers()) {
            if (record instanceof ARecord) {
                addresses.add(((ARecord) record).getAddress());
            } else if (record instanceof AAAARecord) {
                addresses.add(((AAAARecord) record).getAddress());
            }
        }
    }

    private static MxAnswer toMxAnswer(Record[] answers) {
        List<MxRecord> exchanges = Arrays.stream(answers)
            .filter(MXRecord.class::isInstance)
            .map(MXRecord.class::cast)
            .filter(mx -> !mx.getTarget().equals(Name.root))
            .map(mx -> new MxRecord(mx.getPriority(), hostName(mx.getTarget())))
            .collect(Collectors.toList());
        // RFC 7505: "MX 0 ." alone means the domain accepts no mail. Mixed with real exchanges it is a
        // misconfiguration; the real exchanges are used, as they can still accept the mail.
        if (exchanges.isEmpty()) {
            return new MxAnswer.NullMx();
        }
        return new MxAnswer.Exchanges(exchanges);
    }

    private static String hostName(Name name) {
        return name.toString(true).toLowerCase(Locale.ROOT);
    }
}
