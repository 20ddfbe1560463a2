package io.github.tiereddelivery.delivery;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.google.common.cache.Cache;
import com.google.common.cache.CacheBuilder;
import com.google.common.net.InetAddresses;

import io.github.tiereddelivery.dns.AddressAnswer;
import io.github.tiereddelivery.dns.AnswerExpiry;
import io.github.tiereddelivery.dns.DnsResolver;
import io.github.tiereddelivery.dns.MxAnswer;
import io.github.tiereddelivery.dns.MxRecord;
import io.github.tiereddelivery.dns.TemporaryDnsFailure;
import io.github.tiereddelivery.dsn.RecipientStatus;
import io.github.tiereddelivery.routes.Balancing;
import io.github.tiereddelivery.routes.Destination;
import io.github.tiereddelivery.routes.HostSpec;
import io.github.tiereddelivery.routes.Route;
import io.github.tiereddelivery.routes.TlsPolicy;
import io.github.tiereddelivery.smtp.Credentials;

/**
 * Turns a target into tiers of servers: explicit hosts through A/AAAA, {@code mx="name"} and unrouted domains through
 * MX then A/AAAA, keeping the real MX preferences (which James' DNSService drops).
 */
public class RoutePlanner {
    private static final Logger LOGGER = LoggerFactory.getLogger(RoutePlanner.class);

    /** RFC 5321 section 5.1: the implicit MX of a domain without MX records has preference 0. */
    private static final int IMPLICIT_MX_PREFERENCE = 0;
    private static final Comparator<Server> STABLE_ORDER = Comparator.comparing(Server::hostname)
        .thenComparing(server -> InetAddresses.toAddrString(server.address().getAddress()))
        .thenComparingInt(server -> server.address().getPort());

    /**
     * How long a message waits for the plan another message is making before it waits in the queue instead: a few
     * cold look-ups through a recursive resolver, not a DNS time-out.
     */
    static final Duration WAIT_FOR_PLAN = Duration.ofMillis(250);

    /** Plans kept at most, per kind of target; each plan is a few hundred bytes. */
    private static final int MAX_KEPT_PLANS = 10_000;

    private final DnsResolver dns;
    private final int defaultPort;
    private final Function<Route, Optional<Credentials>> credentials;
    /**
     * Plans of routes, made once and not per message: for IP literals until the route changes, for host names and
     * {@code mx="name"} until the first of their DNS answers expires. Keyed by the route object itself (weak keys
     * compare by identity): a reloaded routes file brings new objects, and the old plans go with the old table.
     */
    private final Cache<Route, KeptPlan> routePlans = CacheBuilder.newBuilder()
        .weakKeys()
        .maximumSize(MAX_KEPT_PLANS)
        .build();
    /** Plans of recipient domains without a route (their MX), until the first of their DNS answers expires. */
    private final Cache<String, KeptPlan> domainPlans = CacheBuilder.newBuilder()
        .maximumSize(MAX_KEPT_PLANS)
        .build();
    /** Plans being made, by route or domain: two messages never ask the DNS the same questions at the same time. */
    private final ConcurrentMap<Object, CompletableFuture<Resolution>> making = new ConcurrentHashMap<>();

    /**
     * A plan and what it was made for: the same target and credentials, and, unless made of IP literals only
     * ({@code forever}), a resolver clock before {@code expires}.
     */
    private record KeptPlan(DeliveryTarget target, Optional<Credentials> credentials, Resolution resolution,
                            boolean forever, long expires) {
        boolean serves(DeliveryTarget target, Optional<Credentials> credentials, long now) {
            return (forever || now - expires < 0) && this.target.equals(target) && this.credentials.equals(credentials);
        }
    }

    public RoutePlanner(DnsResolver dns, int defaultPort, Function<Route, Optional<Credentials>> credentials) {
        this.dns = dns;
        this.defaultPort = defaultPort;
        this.credentials = credentials;
    }

    public Resolution plan(DeliveryTarget target) {
        if (target instanceof DeliveryTarget.Routed) {
            return plan((DeliveryTarget.Routed) target);
        }
        String domain = ((DeliveryTarget.DomainMx) target).domain();
        KeptPlan kept = domainPlans.getIfPresent(domain);
        if (kept != null && kept.serves(target, Optional.empty(), dns.now())) {
            return kept.resolution();
        }
        return makeOnce(domain, target, () -> {
            AnswerExpiry expiry = new AnswerExpiry();
            Resolution resolution = logSkipped(target,
                viaMx(target, domain, defaultPort, Balancing.RANDOM, Optional.empty(), Optional.empty(), expiry));
            if (isKeepable(resolution, expiry)) {
                domainPlans.put(domain, new KeptPlan(target, Optional.empty(), resolution, false, expiry.earliest()));
            }
            return resolution;
        });
    }

    private Resolution plan(DeliveryTarget.Routed target) {
        Route route = target.route();
        Optional<Credentials> routeCredentials = credentials.apply(route);
        KeptPlan kept = routePlans.getIfPresent(route);
        if (kept != null && kept.serves(target, routeCredentials, dns.now())) {
            return kept.resolution();
        }
        return makeOnce(route, target, () -> {
            AnswerExpiry expiry = new AnswerExpiry();
            Resolution resolution = logSkipped(target, plan(target, routeCredentials, expiry));
            if (onlyIpLiterals(route)) {
                routePlans.put(route, new KeptPlan(target, routeCredentials, resolution, true, 0));
            } else if (isKeepable(resolution, expiry)) {
                routePlans.put(route, new KeptPlan(target, routeCredentials, resolution, false, expiry.earliest()));
            }
            return resolution;
        });
    }

    /**
     * Makes the plan of {@code key} (a route, or a domain without one) unless another message is making it: then waits
     * for that one at most {@link #WAIT_FOR_PLAN}, and past it the message waits in the queue instead, uncounted (a
     * route whose DNS servers do not answer holds one delivery thread, not all of them: the others deliver the mail of
     * the other routes meanwhile).
     */
    private Resolution makeOnce(Object key, DeliveryTarget target, Supplier<Resolution> maker) {
        CompletableFuture<Resolution> mine = new CompletableFuture<>();
        CompletableFuture<Resolution> theirs = making.putIfAbsent(key, mine);
        if (theirs == null) {
            try {
                Resolution resolution = maker.get();
                mine.complete(resolution);
                return resolution;
            } catch (RuntimeException | Error e) {
                mine.completeExceptionally(e);
                throw e;
            } finally {
                making.remove(key, mine);
            }
        }
        try {
            return theirs.get(WAIT_FOR_PLAN.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            return beingMade(target);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return beingMade(target);
        } catch (ExecutionException e) {
            // The other message met an unexpected error: this one makes its own plan (and meets it, or not).
            return maker.get();
        }
    }

    private static Resolution beingMade(DeliveryTarget target) {
        return new Resolution.Unresolvable(RecipientStatus.of("4.4.3", "the DNS look-ups of " + target.describe()
            + " are still under way for another message (a DNS server is slow or not answering)"),
            Resolution.Consequence.WAIT);
    }

    /** A plan made without some of its hosts (no address, malformed) says so once per plan, not per message. */
    private static Resolution logSkipped(DeliveryTarget target, Resolution resolution) {
        if (resolution instanceof Resolution.Planned planned && !planned.unresolved().isEmpty()) {
            LOGGER.info("TieredRemoteDelivery: {}: the other servers deliver; no server from {}", target.describe(),
                String.join("; ", planned.unresolved()));
        }
        return resolution;
    }

    /**
     * Servers found from answers that all had a TTL; a plan that met a temporary failure but found servers is kept for
     * at most {@code AnswerExpiry}'s 30 s (the names that failed are asked again then, not for every message). Never a
     * plan without servers (kept for its retries by the queue, which asks again anyway).
     */
    private static boolean isKeepable(Resolution resolution, AnswerExpiry expiry) {
        return resolution instanceof Resolution.Planned && expiry.isKeepable();
    }

    private static boolean onlyIpLiterals(Route route) {
        if (!(route.destination() instanceof Destination.Hosts hosts)) {
            return false;
        }
        for (HostSpec host : hosts.hosts()) {
            if (!host.isIpLiteral()) {
                return false;
            }
        }
        return true;
    }

    private Resolution plan(DeliveryTarget.Routed target, Optional<Credentials> routeCredentials, AnswerExpiry expiry) {
        Route route = target.route();
        int routePort = route.port().orElse(defaultPort);
        // Credentials of a route are never sent in clear unless the route says tls="none" (or "opportunistic").
        Optional<TlsPolicy> tls = route.tls().or(() -> route.auth().map(any -> TlsPolicy.REQUIRED));
        if (route.destination() instanceof Destination.MxOf) {
            String name = ((Destination.MxOf) route.destination()).name();
            return viaMx(target, name, routePort, route.balancing(), tls, routeCredentials, expiry);
        }
        Lookups lookups = new Lookups(expiry);
        for (HostSpec host : ((Destination.Hosts) route.destination()).hosts()) {
            int port = host.port().orElse(routePort);
            if (host.isIpLiteral()) {
                lookups.servers.add(Server.of(host.host(), InetAddresses.forString(host.host()), port, host.preference(), host.weight()));
            } else {
                lookups.resolve(host.host(), port, host.preference(), host.weight());
            }
        }
        return lookups.toResolution(target, route.balancing(), tls, routeCredentials);
    }

    private Resolution viaMx(DeliveryTarget target, String name, int port, Balancing balancing,
                             Optional<TlsPolicy> tls, Optional<Credentials> routeCredentials, AnswerExpiry expiry) {
        MxAnswer answer;
        try {
            answer = dns.mx(name, expiry);
        } catch (TemporaryDnsFailure e) {
            return deferred(e);
        }
        Lookups lookups = new Lookups(expiry);
        if (answer instanceof MxAnswer.NullMx) {
            return new Resolution.Unresolvable(RecipientStatus.of("5.1.10",
                name + " has a null MX record (RFC 7505): it accepts no mail"), Resolution.Consequence.BOUNCE_NOW);
        } else if (answer instanceof MxAnswer.NoSuchDomain) {
            return new Resolution.Unresolvable(RecipientStatus.of("5.4.4",
                "Host or domain name not found: " + name + " does not exist (NXDOMAIN)"),
                Resolution.Consequence.BOUNCE_AFTER_DNS_RETRIES);
        } else if (answer instanceof MxAnswer.NoMxRecords) {
            lookups.resolve(name, port, IMPLICIT_MX_PREFERENCE, 1);
        } else {
            for (MxRecord record : ((MxAnswer.Exchanges) answer).records()) {
                if (InetAddresses.isInetAddress(record.exchange())) {
                    // RFC 1035 3.3.9 wants a host name; Postfix refuses such an answer as malformed and defers.
                    lookups.malformed.add(name + " has an MX record pointing to the IP address " + record.exchange()
                        + " instead of a host name");
                } else {
                    lookups.resolve(record.exchange(), port, record.preference(), 1);
                }
            }
        }
        return lookups.toResolution(target, balancing, tls, routeCredentials);
    }

    private static Resolution deferred(TemporaryDnsFailure failure) {
        return new Resolution.Unresolvable(RecipientStatus.of("4.4.3", failure.getMessage()), Resolution.Consequence.DEFER);
    }

    /** Collects the servers of a target while remembering why some names gave none. */
    private class Lookups {
        private final List<Server> servers = new ArrayList<>();
        private final List<String> missing = new ArrayList<>();
        private final List<String> malformed = new ArrayList<>();
        private final AnswerExpiry expiry;
        private Optional<TemporaryDnsFailure> temporaryFailure = Optional.empty();

        Lookups(AnswerExpiry expiry) {
            this.expiry = expiry;
        }

        void resolve(String host, int port, int preference, double weight) {
            try {
                AddressAnswer answer = dns.addresses(host, expiry);
                if (answer instanceof AddressAnswer.Addresses) {
                    List<InetAddress> addresses = ((AddressAnswer.Addresses) answer).addresses().stream()
                        .filter(address -> !isNoDestination(address))
                        .toList();
                    if (addresses.isEmpty()) {
                        missing.add(host + ": no usable address (" + ((AddressAnswer.Addresses) answer).addresses().stream()
                            .map(InetAddress::getHostAddress).collect(Collectors.joining(", "))
                            + ": unspecified, broadcast, multicast or link-local addresses are no SMTP server)");
                        return;
                    }
                    // Every address is a server of the host's preference; they share the host's weight.
                    addresses.forEach(address -> servers.add(Server.of(host, address, port, preference, weight / addresses.size())));
                } else if (answer instanceof AddressAnswer.NoSuchHost) {
                    missing.add(host + ": no such host");
                } else {
                    missing.add(host + ": no A or AAAA record");
                }
            } catch (TemporaryDnsFailure e) {
                temporaryFailure = Optional.of(e);
                missing.add(e.getMessage());
            }
        }

        /**
         * Addresses a DNS answer may give that can never be a mail server (RFC 1122 3.2.1.3: 0.0.0.0 is no destination,
         * and connecting to it reaches this host; 4.2.3.10: no TCP to broadcast or multicast; an IPv6 link-local address
         * names no interface): skipped as Exim's default ignore_target_hosts does.
         */
        private static boolean isNoDestination(InetAddress address) {
            return address.isAnyLocalAddress() || address.isMulticastAddress() || address.isLinkLocalAddress()
                && address instanceof Inet6Address
                || address.getHostAddress().equals("255.255.255.255");
        }

        Resolution toResolution(DeliveryTarget target, Balancing balancing, Optional<TlsPolicy> tls,
                                Optional<Credentials> routeCredentials) {
            if (servers.isEmpty()) {
                if (temporaryFailure.isPresent()) {
                    return deferred(temporaryFailure.get());
                }
                if (!malformed.isEmpty()) {
                    return new Resolution.Unresolvable(RecipientStatus.of("4.4.3", String.join("; ", malformed)),
                        Resolution.Consequence.DEFER);
                }
                return new Resolution.Unresolvable(RecipientStatus.of("5.4.4",
                    "no server of " + target.describe() + " has an address: " + String.join("; ", missing)),
                    Resolution.Consequence.BOUNCE_AFTER_DNS_RETRIES);
            }
            List<String> unresolved = new ArrayList<>(malformed);
            unresolved.addAll(missing);
            return new Resolution.Planned(new RoutePlan(target, tiers(servers), balancing, tls, routeCredentials), unresolved);
        }
    }

    /** Group by preference, lowest first; the same address and port named twice is one server, at its best preference. */
    static List<Tier> tiers(List<Server> servers) {
        if (servers.size() == 1) {
            // The usual route: one host with one address.
            return List.of(new Tier(servers.get(0).preference(), servers));
        }
        Map<InetSocketAddress, Server> unique = new LinkedHashMap<>();
        servers.forEach(server -> unique.merge(server.address(), server,
            (first, second) -> second.preference() < first.preference() ? second : first));
        Map<Integer, List<Server>> byPreference = new TreeMap<>();
        unique.values().forEach(server -> byPreference.computeIfAbsent(server.preference(), any -> new ArrayList<>()).add(server));
        List<Tier> tiers = new ArrayList<>(byPreference.size());
        byPreference.forEach((preference, tier) -> {
            tier.sort(STABLE_ORDER);
            tiers.add(new Tier(preference, tier));
        });
        return tiers;
    }
}
