package io.github.tiereddelivery.dns;

import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;

import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.TSIG;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

import com.google.common.net.InetAddresses;

/**
 * An authoritative DNS server in memory for benchmarks: A records with a one-hour TTL, and "no such record" with an
 * SOA (so negatively cacheable, RFC 2308) for every other question about a known name. Counts the questions.
 */
public final class InMemoryDns implements Resolver {
    private static final long TTL = 3600;

    private final Map<Name, InetAddress> addresses = new ConcurrentHashMap<>();
    private final AtomicLong questions = new AtomicLong();
    private final SOARecord soa;

    public InMemoryDns() {
        try {
            Name zone = Name.fromString("test.");
            soa = new SOARecord(zone, DClass.IN, TTL, Name.fromString("ns.test."), Name.fromString("admin.test."),
                1, TTL, TTL, TTL, TTL);
        } catch (TextParseException e) {
            throw new IllegalStateException(e);
        }
    }

    public InMemoryDns a(String name, String address) {
        try {
            addresses.put(Name.fromString(name, Name.root), InetAddresses.forString(address));
        } catch (TextParseException e) {
            throw new IllegalArgumentException(e);
        }
        return this;
    }

    /** A resolver of the product asking this server, with its own cache. */
    public DnsResolver resolver() {
        return new DnsResolver(this);
    }

    public long questions() {
        return questions.get();
    }

    @Override
    public CompletionStage<Message> sendAsync(Message query, Executor executor) {
        return CompletableFuture.completedFuture(answer(query));
    }

    @Override
    public CompletionStage<Message> sendAsync(Message query) {
        return CompletableFuture.completedFuture(answer(query));
    }

    @Override
    public Message send(Message query) {
        return answer(query);
    }

    private Message answer(Message query) {
        questions.incrementAndGet();
        Record question = query.getQuestion();
        Message response = new Message(query.getHeader().getID());
        response.getHeader().setFlag(Flags.QR);
        response.getHeader().setFlag(Flags.AA);
        response.addRecord(question, Section.QUESTION);
        InetAddress address = addresses.get(question.getName());
        if (address == null) {
            response.getHeader().setRcode(Rcode.NXDOMAIN);
            response.addRecord(soa, Section.AUTHORITY);
        } else if (question.getType() == Type.A) {
            response.addRecord(new ARecord(question.getName(), DClass.IN, TTL, address), Section.ANSWER);
        } else {
            response.addRecord(soa, Section.AUTHORITY);
        }
        return response;
    }

    @Override
    public void setPort(int port) {
    }

    @Override
    public void setTCP(boolean flag) {
    }

    @Override
    public void setIgnoreTruncation(boolean flag) {
    }

    @Override
    public void setEDNS(int version, int payloadSize, int flags, List<EDNSOption> options) {
    }

    @Override
    public void setTSIGKey(TSIG key) {
    }

    @Override
    public void setTimeout(java.time.Duration timeout) {
    }
}
