package io.github.tiereddelivery.dns;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;

import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Cache;
import org.xbill.DNS.DClass;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.ExtendedResolver;
import org.xbill.DNS.Lookup;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TSIG;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * MX and A/AAAA look-ups with dnsjava, keeping what James' DNSService drops (MX preferences, NXDOMAIN versus no
 * data versus temporary failure) and honouring record TTLs through one cache per resolver.
 *
 * <p>Answers that came from the network are also remembered here, as our own {@link Answer}s, until the smallest TTL
 * of the records of the responses that made them (for "no such name / no such record", the SOA's negative TTL,
 * RFC 2308) has passed since the question was sent: dnsjava's cache keeps them at least that long, so this changes
 * nothing but the cost of asking again (a parsed name, a Lookup and its cache look-ups per question otherwise).
 *
 * <p>Only DNS is asked, never /etc/hosts (Postfix's default {@code smtp_host_lookup = dns}).
 */
public class DnsResolver {
    /**
     * How long one server has to answer one query before the next server is asked (libc's RES_TIMEOUT is 5 s, but a
     * recursive resolver that is up answers at once from its cache, or on the retry once it has recursed).
     */
    private static final Duration SERVER_TIMEOUT = Duration.ofSeconds(2);
    /** Queries per server and question (libc's "attempts:2"). */
    private static final int TRIES_PER_SERVER = 2;
    /** Questions remembered at most; beyond, the memory starts over (dnsjava's cache still answers). */
    private static final int MAX_REMEMBERED = 10_000;
    /** No response seen during a look-up: it was answered from dnsjava's cache. */
    private static final long NO_RESPONSE = Long.MAX_VALUE;

    private final Resolver resolver;
    private final List<InetSocketAddress> servers;
    private final Cache cache;
    private final LongSupplier nanoTime;
    private final Map<Question, Answer> remembered = new ConcurrentHashMap<>();
    /** The smallest TTL of the responses received by this thread's current look-up. */
    private final ThreadLocal<long[]> responseTtl = ThreadLocal.withInitial(() -> new long[] {NO_RESPONSE});

    private record Question(String name, int type) {
    }

    /** What a look-up found: dnsjava's result code, the answer records, its error text; valid until {@code expires}. */
    private record Answer(int result, Record[] records, String error, long expires) {
    }


    /**
     * The servers in their order, as the system's resolver uses those of resolv.conf: one that does not answer within
     * {@link #SERVER_TIMEOUT}, or answers SERVFAIL, NOTIMP or REFUSED, is left for the next one, for the same question (dnsjava's own default would wait for the
     * first server until the whole look-up timed out); each is asked at most {@link #TRIES_PER_SERVER} times. dnsjava
     * asks the servers that failed least first, so a dead first server soon costs nothing.
     */
    public static DnsResolver using(List<InetSocketAddress> servers) {
        List<InetSocketAddress> chosen = servers.isEmpty()
            ? List.of(new InetSocketAddress(InetAddress.getLoopbackAddress(), 53))
            : servers;
        ExtendedResolver extended = new ExtendedResolver(chosen.stream()
            .map(server -> {
                SimpleResolver simple = new DeclinedByServer.Server(server);
                simple.setTimeout(SERVER_TIMEOUT);
                return (Resolver) simple;
            })
            .collect(Collectors.toList()));
        extended.setRetries(TRIES_PER_SERVER);
        extended.setTimeout(SERVER_TIMEOUT.multipliedBy((long) TRIES_PER_SERVER * chosen.size()).plus(SERVER_TIMEOUT));
        return new DnsResolver(extended, System::nanoTime, chosen);
    }

    /** The DNS servers asked, in their order (for the start-up log line); empty for a resolver made by a test. */
    public List<InetSocketAddress> servers() {
        return servers;
    }

    DnsResolver(Resolver resolver) {
        this(resolver, System::nanoTime);
    }

    DnsResolver(Resolver resolver, LongSupplier nanoTime) {
        this(resolver, nanoTime, List.of());
    }

    private DnsResolver(Resolver resolver, LongSupplier nanoTime, List<InetSocketAddress> servers) {
        this.resolver = new TtlRecordingResolver(resolver);
        this.cache = new Cache(DClass.IN);
        this.nanoTime = nanoTime;
        this.servers = List.copyOf(servers);
    }

    public MxAnswer mx(String domain) throws TemporaryDnsFailure {
        return mx(domain, new AnswerExpiry());
    }

    /** As {@link #mx(String)}, noting in {@code expiry} how long the answer may be kept. */
    public MxAnswer mx(String domain, AnswerExpiry expiry) throws TemporaryDnsFailure {
        Answer lookup = run(domain, Type.MX, expiry);
        switch (lookup.result()) {
            case Lookup.SUCCESSFUL:
                return toMxAnswer(lookup.records());
            case Lookup.TYPE_NOT_FOUND:
                return new MxAnswer.NoMxRecords();
            case Lookup.HOST_NOT_FOUND:
                return new MxAnswer.NoSuchDomain();
            default:
                throw new TemporaryDnsFailure(domain, "MX", lookup.error());
        }
    }

    /**
     * Both A and AAAA. A temporary failure of one type is ignored when the other one gave addresses, as a resolver
     * asked for "any address" would do; when nothing was found and one of them failed, the failure wins.
     */
    public AddressAnswer addresses(String host) throws TemporaryDnsFailure {
        return addresses(host, new AnswerExpiry());
    }

    /** As {@link #addresses(String)}, noting in {@code expiry} how long the answer may be kept. */
    public AddressAnswer addresses(String host, AnswerExpiry expiry) throws TemporaryDnsFailure {
        Answer ipv4 = run(host, Type.A, expiry);
        if (ipv4.result() == Lookup.HOST_NOT_FOUND) {
            return new AddressAnswer.NoSuchHost();
        }
        Answer ipv6 = run(host, Type.AAAA, expiry);
        List<InetAddress> addresses = new ArrayList<>();
        addAddresses(ipv4, addresses);
        addAddresses(ipv6, addresses);
        if (!addresses.isEmpty()) {
            return new AddressAnswer.Addresses(addresses);
        }
        if (isTemporary(ipv4)) {
            throw new TemporaryDnsFailure(host, "A", ipv4.error());
        }
        if (isTemporary(ipv6)) {
            throw new TemporaryDnsFailure(host, "AAAA", ipv6.error());
        }
        if (ipv6.result() == Lookup.HOST_NOT_FOUND) {
            return new AddressAnswer.NoSuchHost();
        }
        return new AddressAnswer.NoAddress();
    }

    /** The clock of the expiries given in {@link AnswerExpiry}: {@link System#nanoTime()} unless a test sets one. */
    public long now() {
        return nanoTime.getAsLong();
    }

    private Answer run(String name, int type, AnswerExpiry expiry) throws TemporaryDnsFailure {
        Question question = new Question(name, type);
        long now = nanoTime.getAsLong();
        Answer known = remembered.get(question);
        if (known != null && now - known.expires() < 0) {
            expiry.expiresAt(known.expires());
            return known;
        }
        long[] ttl = responseTtl.get();
        ttl[0] = NO_RESPONSE;
        Name absolute;
        try {
            absolute = absolute(name, type);
        } catch (TemporaryDnsFailure e) {
            expiry.unknown();
            throw e;
        }
        Lookup lookup = new Lookup(absolute, type);
        lookup.setResolver(resolver);
        lookup.setCache(cache);
        lookup.setHostsFileParser(null);
        lookup.run();
        long seconds = ttl[0];
        Answer answer = new Answer(lookup.getResult(), lookup.getAnswers(), lookup.getErrorString(),
            now + TimeUnit.SECONDS.toNanos(Math.min(seconds, Integer.MAX_VALUE)));
        // Behind a CNAME, part of the answer may have come from dnsjava's cache, whose remaining TTL is unknown.
        boolean direct = lookup.getAliases().length == 0;
        if (direct && seconds != NO_RESPONSE && seconds > 0 && isDefinite(answer.result())) {
            if (remembered.size() >= MAX_REMEMBERED) {
                remembered.clear();
            }
            remembered.put(question, answer);
            expiry.expiresAt(answer.expires());
        } else if (isTemporary(answer)) {
            remembered.remove(question);
            expiry.failedAt(now);
        } else {
            remembered.remove(question);
            expiry.unknown();
        }
        return answer;
    }

    /** Temporary failures are never remembered: the next question asks again. */
    private static boolean isDefinite(int result) {
        return result == Lookup.SUCCESSFUL || result == Lookup.TYPE_NOT_FOUND || result == Lookup.HOST_NOT_FOUND;
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

    private static boolean isTemporary(Answer lookup) {
        return lookup.result() == Lookup.TRY_AGAIN || lookup.result() == Lookup.UNRECOVERABLE;
    }

    private static void addAddresses(Answer lookup, List<InetAddress> addresses) {
        if (lookup.result() != Lookup.SUCCESSFUL) {
            return;
        }
        for (Record record : lookup.records()) {
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

    /**
     * Notes, for the look-up running on this thread, the smallest TTL of the records of every response it gets: how
     * long the answer it makes may be remembered. A response without records (a negative answer without SOA) may not
     * be remembered at all (RFC 2308 5).
     */
    private final class TtlRecordingResolver implements Resolver {
        private final Resolver delegate;

        TtlRecordingResolver(Resolver delegate) {
            this.delegate = delegate;
        }

        @Override
        public Message send(Message query) throws IOException {
            Message response;
            try {
                response = delegate.send(query);
            } catch (DeclinedByServer e) {
                // Every server declined: the last one's answer is the answer (a SERVFAIL is a temporary failure).
                response = e.response();
            }
            long[] ttl = responseTtl.get();
            ttl[0] = Math.min(ttl[0], smallestTtl(response));
            return response;
        }

        @Override
        public CompletionStage<Message> sendAsync(Message query) {
            // Not what Lookup calls; an answer that comes this way is simply not remembered.
            responseTtl.get()[0] = 0;
            return delegate.sendAsync(query);
        }

        @Override
        public CompletionStage<Message> sendAsync(Message query, Executor executor) {
            responseTtl.get()[0] = 0;
            return delegate.sendAsync(query, executor);
        }

        private long smallestTtl(Message response) {
            long smallest = NO_RESPONSE;
            for (int section : new int[] {Section.ANSWER, Section.AUTHORITY}) {
                for (Record record : response.getSection(section)) {
                    long ttl = record instanceof SOARecord soa ? Math.min(soa.getTTL(), soa.getMinimum()) : record.getTTL();
                    smallest = Math.min(smallest, ttl);
                }
            }
            return smallest == NO_RESPONSE ? 0 : smallest;
        }

        @Override
        public void setPort(int port) {
            delegate.setPort(port);
        }

        @Override
        public void setTCP(boolean flag) {
            delegate.setTCP(flag);
        }

        @Override
        public void setIgnoreTruncation(boolean flag) {
            delegate.setIgnoreTruncation(flag);
        }

        @Override
        public void setEDNS(int version, int payloadSize, int flags, List<EDNSOption> options) {
            delegate.setEDNS(version, payloadSize, flags, options);
        }

        @Override
        public void setTSIGKey(TSIG key) {
            delegate.setTSIGKey(key);
        }

        @Override
        public void setTimeout(Duration timeout) {
            delegate.setTimeout(timeout);
        }

        @Override
        public Duration getTimeout() {
            return delegate.getTimeout();
        }
    }
}
