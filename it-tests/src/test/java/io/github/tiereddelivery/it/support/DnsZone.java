package io.github.tiereddelivery.it.support;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import com.google.common.base.Preconditions;
import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSet;
import com.google.common.net.InetAddresses;

/**
 * The DNS records a test serves through {@link Dnsmasq}. Every name not listed here is answered NXDOMAIN;
 * a listed name asked for a type it lacks is answered NOERROR without records (NODATA).
 *
 * <pre>
 * DnsZone.builder()
 *     .mx("acme.test", 10, "mx1.acme.test")
 *     .a("mx1.acme.test", "127.0.0.2", "127.0.0.3")
 *     .nullMx("nomail.test")
 *     .servfail("broken.test")
 *     .build();
 * </pre>
 */
public final class DnsZone {
    record Address(String name, InetAddress address) {
    }

    record Mx(String name, int preference, String target) {
    }

    record Cname(String alias, String target) {
    }

    private final List<Address> addresses;
    private final List<Mx> mxs;
    private final Set<String> nullMxNames;
    private final List<Cname> cnames;
    private final Set<String> servfailDomains;
    private final Set<String> silentDomains;
    private final Duration ttl;
    private final boolean authoritative;

    private DnsZone(Builder builder) {
        this.addresses = ImmutableList.copyOf(builder.addresses);
        this.mxs = ImmutableList.copyOf(builder.mxs);
        this.nullMxNames = ImmutableSet.copyOf(builder.nullMxNames);
        this.cnames = ImmutableList.copyOf(builder.cnames);
        this.servfailDomains = ImmutableSet.copyOf(builder.servfailDomains);
        this.silentDomains = ImmutableSet.copyOf(builder.silentDomains);
        this.ttl = builder.ttl;
        this.authoritative = builder.authoritative;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A zone without records: every name is NXDOMAIN. */
    public static DnsZone empty() {
        return builder().build();
    }

    List<Address> addresses() {
        return addresses;
    }

    List<Mx> mxs() {
        return mxs;
    }

    Set<String> nullMxNames() {
        return nullMxNames;
    }

    List<Cname> cnames() {
        return cnames;
    }

    Set<String> servfailDomains() {
        return servfailDomains;
    }

    Set<String> silentDomains() {
        return silentDomains;
    }

    Duration ttl() {
        return ttl;
    }

    boolean authoritative() {
        return authoritative;
    }

    public static final class Builder {
        private final List<Address> addresses = new ArrayList<>();
        private final List<Mx> mxs = new ArrayList<>();
        private final Set<String> nullMxNames = new LinkedHashSet<>();
        private final List<Cname> cnames = new ArrayList<>();
        private final Set<String> servfailDomains = new LinkedHashSet<>();
        private final Set<String> silentDomains = new LinkedHashSet<>();
        private Duration ttl = Duration.ZERO;
        private boolean authoritative;

        private Builder() {
        }

        /** One A record per address: several addresses make several A records for the same name. */
        public Builder a(String name, String... ipv4Addresses) {
            Preconditions.checkArgument(ipv4Addresses.length > 0, "a(%s) needs at least one address", name);
            for (String literal : ipv4Addresses) {
                addresses.add(new Address(hostName(name), ipLiteral(literal, Inet4Address.class)));
            }
            return this;
        }

        public Builder aaaa(String name, String... ipv6Addresses) {
            Preconditions.checkArgument(ipv6Addresses.length > 0, "aaaa(%s) needs at least one address", name);
            for (String literal : ipv6Addresses) {
                addresses.add(new Address(hostName(name), ipLiteral(literal, Inet6Address.class)));
            }
            return this;
        }

        public Builder mx(String name, int preference, String target) {
            Preconditions.checkArgument(preference >= 0 && preference <= 65535,
                "MX preference must be 0..65535, got %s", preference);
            mxs.add(new Mx(hostName(name), preference, hostName(target)));
            return this;
        }

        /** RFC 7505 null MX: a single "MX 0 ." record, the domain accepts no mail. */
        public Builder nullMx(String name) {
            nullMxNames.add(hostName(name));
            return this;
        }

        /** The alias answers with a CNAME to the target, followed by the target's records if this zone has them. */
        public Builder cname(String alias, String target) {
            cnames.add(new Cname(hostName(alias), hostName(target)));
            return this;
        }

        /** Every query for the domain or a name below it is answered SERVFAIL (over UDP; within milliseconds). */
        public Builder servfail(String domain) {
            servfailDomains.add(hostName(domain));
            return this;
        }

        /**
         * Queries for the domain or a name below it are never answered: dnsmasq forwards them to a server that stays
         * silent ({@link BrokenDnsServer#silent()}), as a zone whose name servers are all down. With {@link #authoritative()},
         * outside {@code test.}.
         */
        public Builder silent(String domain) {
            silentDomains.add(hostName(domain));
            return this;
        }

        /** TTL of every record; default 0, so that resolvers do not cache and a {@link Dnsmasq#reload} shows at once. */
        public Builder ttl(Duration ttl) {
            Preconditions.checkArgument(!ttl.isNegative() && ttl.toMillis() % 1000 == 0,
                "TTL must be whole seconds and not negative, got %s", ttl);
            this.ttl = ttl;
            return this;
        }

        /**
         * Answers as the authoritative server of {@code test.}, as real DNS does: "no such record" and "no such name"
         * come with the zone's SOA (RFC 2308), so resolvers keep them for the TTL like positive answers. Without it
         * dnsmasq gives them without SOA, which nobody may cache. Every name of the zone must end in {@code .test};
         * other names are refused. Not with {@link #servfail}.
         */
        public Builder authoritative() {
            this.authoritative = true;
            return this;
        }

        public DnsZone build() {
            Preconditions.checkState(!authoritative || silentDomains.stream().noneMatch(domain -> domain.endsWith(".test")),
                "an authoritative zone answers for every name of test.: a silent domain must be outside it, e.g. dead.example");
            Preconditions.checkState(!authoritative || servfailDomains.isEmpty(),
                "an authoritative zone answers for every name of test.: it cannot send some to the SERVFAIL responder");
            return new DnsZone(this);
        }

        private static String hostName(String name) {
            String normalized = name.toLowerCase(Locale.ROOT);
            if (normalized.endsWith(".")) {
                normalized = normalized.substring(0, normalized.length() - 1);
            }
            Preconditions.checkArgument(normalized.matches("[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?(\\.[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?)*"),
                "'%s' is not a DNS name this fixture can serve (ASCII labels separated by dots)", name);
            return normalized;
        }

        private static InetAddress ipLiteral(String literal, Class<? extends InetAddress> family) {
            InetAddress address = InetAddresses.forString(literal);
            Preconditions.checkArgument(family.isInstance(address),
                "'%s' is not an %s literal", literal, family == Inet4Address.class ? "IPv4" : "IPv6");
            return address;
        }
    }
}
