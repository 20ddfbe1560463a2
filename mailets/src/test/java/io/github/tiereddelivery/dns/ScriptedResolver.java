package io.github.tiereddelivery.dns;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.LongSupplier;

import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** A DNS server in a box: answers from a table, counts the questions it gets. */
public final class ScriptedResolver implements Resolver {
    private final Map<String, Function<Message, Message>> answers = new ConcurrentHashMap<>();
    final AtomicInteger questions = new AtomicInteger();

    public ScriptedResolver answer(String name, int type, int rcode, Record... records) {
        answers.put(key(name, type), query -> {
            Message response = new Message(query.getHeader().getID());
            response.getHeader().setFlag(Flags.QR);
            response.getHeader().setFlag(Flags.AA);
            response.getHeader().setRcode(rcode);
            response.addRecord(query.getQuestion(), Section.QUESTION);
            for (Record record : records) {
                response.addRecord(record, Section.ANSWER);
            }
            return response;
        });
        return this;
    }

    /** As {@link #answer}, but the answer comes only once {@code released} opens (a slow DNS server), within 10 s. */
    public ScriptedResolver slowAnswer(String name, int type, CountDownLatch released, Record... records) {
        answer(name, type, Rcode.NOERROR, records);
        Function<Message, Message> answer = answers.get(key(name, type));
        answers.put(key(name, type), query -> {
            try {
                if (!released.await(10, TimeUnit.SECONDS)) {
                    throw new AssertionError("the slow answer for " + name + " was never released");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
            return answer.apply(query);
        });
        return this;
    }

    /** NOERROR without records, with the zone's SOA in the authority section (RFC 2308: cacheable). */
    public ScriptedResolver noData(String name, int type, SOARecord soa) {
        answers.put(key(name, type), query -> {
            Message response = new Message(query.getHeader().getID());
            response.getHeader().setFlag(Flags.QR);
            response.getHeader().setFlag(Flags.AA);
            response.addRecord(query.getQuestion(), Section.QUESTION);
            response.addRecord(soa, Section.AUTHORITY);
            return response;
        });
        return this;
    }

    /** Questions received so far. */
    public int questions() {
        return questions.get();
    }

    /** A resolver of the product asking this server, whose answers expire on {@code clock} (nanoseconds). */
    public DnsResolver resolver(LongSupplier clock) {
        return new DnsResolver(this, clock);
    }

    private static String key(String name, int type) {
        return name + "/" + Type.string(type);
    }

    @Override
    public CompletionStage<Message> sendAsync(Message query, Executor executor) {
        questions.incrementAndGet();
        Record question = query.getQuestion();
        Function<Message, Message> answer = answers.get(key(question.getName().toString(), question.getType()));
        if (answer == null) {
            return CompletableFuture.failedFuture(new AssertionError("unexpected question " + question));
        }
        return CompletableFuture.completedFuture(answer.apply(query));
    }

    @Override
    public CompletionStage<Message> sendAsync(Message query) {
        return sendAsync(query, Runnable::run);
    }

    @Override
    public Message send(Message query) {
        return sendAsync(query).toCompletableFuture().join();
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
    public void setEDNS(int version, int payloadSize, int flags, List<org.xbill.DNS.EDNSOption> options) {
    }

    @Override
    public void setTSIGKey(org.xbill.DNS.TSIG key) {
    }

    @Override
    public void setTimeout(Duration timeout) {
    }
}
