package io.github.tiereddelivery.delivery;

import java.io.Closeable;
import java.time.Duration;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import org.apache.james.core.MailAddress;
import org.apache.james.lifecycle.api.LifecycleUtil;
import org.apache.james.queue.api.MailPrioritySupport;
import org.apache.james.queue.api.MailQueue;
import org.apache.james.server.core.MailImpl;
import org.apache.james.transport.mailets.remote.delivery.DeliveryRetriesHelper;
import org.apache.james.util.MDCBuilder;
import org.apache.mailet.Mail;
import org.apache.mailet.MailetContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.github.tiereddelivery.dsn.RecipientStatus;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Takes mail from the outgoing queue with {@code deliveryThreads} workers, runs one delivery attempt each and acts on
 * the report: delivered recipients go to {@code onSuccess}, refused ones are bounced, the others are queued again with
 * the next {@code delayTime} or bounced after {@code maxRetries} (stock RemoteDelivery's retry semantics).
 */
public class DeliveryRunnable implements Disposable {
    /** RFC 3463 X.4.3, "directory server failure": a temporary DNS failure. */
    private static final String DNS_FAILURE = "4.4.3";
    /** RFC 3463 X.4.4, "unable to route": no such name, or no address (deferred until maxDnsProblemRetries). */
    private static final String NO_ROUTE = "5.4.4";
    /** Mail taken from the queue per worker, the one it works on included. */
    private static final int READ_AHEAD = 2;
    private static final Logger LOGGER = LoggerFactory.getLogger(DeliveryRunnable.class);

    private final MailQueue queue;
    private final DeliveryConfiguration configuration;
    private final MailDelivrer delivrer;
    private final Bouncer bouncer;
    private final MailetContext mailetContext;
    private Scheduler workers;
    private Scheduler dequeuer;
    private Disposable subscription;

    public DeliveryRunnable(MailQueue queue, DeliveryConfiguration configuration, MailDelivrer delivrer, Bouncer bouncer,
                            MailetContext mailetContext) {
        this.queue = queue;
        this.configuration = configuration;
        this.delivrer = delivrer;
        this.bouncer = bouncer;
        this.mailetContext = mailetContext;
    }

    /**
     * The workers take the mail in the order it left the queue, from a FIFO of their own that holds up to
     * {@link #READ_AHEAD} times as many mails as there are workers. James' memory queue hands out what it had to buffer
     * while nobody asked in no fixed order: with every worker busy and mail coming back every second (busy servers, a
     * route whose DNS is slow), one mail could wait there behind later ones for as long as they kept coming back.
     */
    public void start() {
        int threads = configuration.deliveryThreads();
        String name = "TieredRemoteDelivery-" + queue.getName().asString();
        AtomicInteger counter = new AtomicInteger();
        workers = Schedulers.fromExecutorService(new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS,
            new LinkedBlockingQueue<>(), runnable -> {
                Thread thread = new Thread(runnable, name + "-" + counter.incrementAndGet());
                thread.setDaemon(true);
                return thread;
            }), name);
        dequeuer = Schedulers.newSingle("TieredRemoteDelivery-Dequeue-" + queue.getName().asString());
        subscription = Flux.from(queue.deQueue())
            .flatMap(item -> Mono.fromRunnable(() -> process(item)).subscribeOn(workers), threads * READ_AHEAD)
            .onErrorContinue((error, item) -> LOGGER.error("TieredRemoteDelivery: unexpected error around {}", item, error))
            .subscribeOn(dequeuer)
            .subscribe();
    }

    void process(MailQueue.MailQueueItem item) {
        Mail mail = item.getMail();
        try (Closeable mdc = MDCBuilder.create()
                .addToContext("mail", mail.getName())
                .addToContext("sender", mail.getMaybeSender().asString())
                .addToContext("recipients", mail.getRecipients().toString())
                .build()) {
            DeliveryReport report;
            try {
                report = delivrer.deliver(mail);
            } catch (Exception e) {
                postpone(item, mail, e);
                return;
            }
            act(mail, report);
            item.done(MailQueue.MailQueueItem.CompletionStatus.SUCCESS);
        } catch (Throwable t) {
            // A worker never dies and a mail is never dropped: the queue gets it back.
            LOGGER.error("TieredRemoteDelivery: unexpected failure delivering mail {}; it goes back to the queue", mail.getName(), t);
            giveBack(item);
        } finally {
            LifecycleUtil.dispose(mail);
        }
    }

    /**
     * The attempt failed in an unexpected way (a fault of ours, not a server's verdict): the mail is queued again,
     * unchanged, for its next {@code delayTime}, without counting a retry (our fault never bounces a mail), and only
     * then taken off the queue. Not given back with RETRY, which the queues redeliver at once: a fault that lasts
     * would spin, and James' ActiveMQ queue moves a mail given back 7 times to its dead letter queue, which James
     * never reads (ActiveMQ's default redelivery policy): the mail would be lost.
     */
    private void postpone(MailQueue.MailQueueItem item, Mail mail, Exception cause) throws MailQueue.MailQueueException {
        Duration delay = configuration.delayBeforeRetry(DeliveryRetriesHelper.retrieveRetries(mail) + 1);
        LOGGER.error("TieredRemoteDelivery: unexpected failure delivering mail {}; queued again, next attempt in {}",
            mail.getName(), delay, cause);
        queue.enQueue(mail, delay);
        item.done(MailQueue.MailQueueItem.CompletionStatus.SUCCESS);
    }

    /**
     * The copies for onSuccess and the bounce are made before the mail is changed for its retry. Should re-queuing
     * fail, the queue gets the mail back (RETRY): James' memory queue takes back this mail object, which holds only
     * the deferred recipients; a JMS queue (ActiveMQ) rolls back to the message as it was dequeued, so the recipients
     * delivered by this attempt would get it again. At least once, never lost.
     */
    private void act(Mail mail, DeliveryReport report) throws Exception {
        // The attempt just made: what a DSN gives as Last-Attempt-Date (RFC 3464 2.3.7), a bounce now included.
        mail.setLastUpdated(new Date());
        Map<MailAddress, RecipientStatus> deferred = report.deferred();
        List<MailAddress> delivered = report.delivered();
        Map<MailAddress, RecipientStatus> bounced = report.bounced();
        if (!delivered.isEmpty()) {
            configuration.onSuccess().ifPresent(state -> sendCopy(mail, delivered, state.getValue()));
        }
        if (!bouncer.bounce(mail, bounced, true)) {
            // Not delivered, and the sender could not be told: tried again with the deferred ones rather than dropped.
            Map<MailAddress, RecipientStatus> unbounced = new LinkedHashMap<>(deferred);
            unbounced.putAll(bounced);
            defer(mail, unbounced);
        } else if (report.deferredOnlyForBusyServers()) {
            waitForBusyServers(mail, deferred);
        } else if (!deferred.isEmpty()) {
            defer(mail, deferred);
        }
    }

    /**
     * No server judged these recipients: the ones that could take them had every session in use. Queued again for
     * {@link DeliveryConfiguration#BUSY_SERVER_DELAY}, without counting a retry: a busy server is not a failure, and the
     * mail must not wait a whole {@code delayTime} (hours by default) for a session that ends in milliseconds. The
     * delivery thread is free meanwhile, so a slow server never holds the threads of the others.
     */
    private void waitForBusyServers(Mail mail, Map<MailAddress, RecipientStatus> deferred) throws MailQueue.MailQueueException {
        mail.setRecipients(deferred.keySet());
        LOGGER.debug("Mail {}: {} wait for busy servers; next attempt in {}", mail.getName(), deferred.keySet(),
            DeliveryConfiguration.BUSY_SERVER_DELAY);
        queue.enQueue(mail, DeliveryConfiguration.BUSY_SERVER_DELAY);
    }

    private void defer(Mail mail, Map<MailAddress, RecipientStatus> deferred) throws MailQueue.MailQueueException {
        int retries = DeliveryRetriesHelper.retrieveRetries(mail);
        int retriesBeforeBounce = retriesBeforeBounce(deferred);
        if (retries >= retriesBeforeBounce) {
            LOGGER.info("Mail {}: bouncing {} after {} retries", mail.getName(), deferred.keySet(), retries);
            if (!bouncer.bounce(mail, deferred, false)) {
                mail.setRecipients(deferred.keySet());
                queue.enQueue(mail, configuration.delayBeforeRetry(Math.max(1, retries)));
            }
            return;
        }
        mail.setRecipients(deferred.keySet());
        mail.setState(Mail.ERROR);
        DeliveryRetriesHelper.incrementRetries(mail);
        mail.setErrorMessage(deferred.entrySet().stream()
            .map(entry -> entry.getKey().asString() + ": " + entry.getValue().status() + " " + entry.getValue().diagnostic())
            .collect(Collectors.joining("\n")));
        if (configuration.usePriority()) {
            // As stock (JAMES-1311): retries get the lowest priority.
            mail.setAttribute(MailPrioritySupport.LOW_PRIORITY_ATTRIBUTE);
        }
        Duration delay = configuration.delayBeforeRetry(retries + 1);
        LOGGER.info("Mail {}: {} deferred, retry {} of {} in {}", mail.getName(), deferred.keySet(), retries + 1,
            retriesBeforeBounce, delay);
        queue.enQueue(mail, delay);
    }

    /**
     * {@code maxRetries}; for a temporary DNS failure at least {@code maxDnsProblemRetries} too (SPEC: never bounced
     * before it); for a name that does not exist or has no address, {@code maxDnsProblemRetries} (SPEC: bounced after
     * it, whatever {@code maxRetries} says).
     */
    private int retriesBeforeBounce(Map<MailAddress, RecipientStatus> deferred) {
        if (deferred.values().stream().anyMatch(status -> DNS_FAILURE.equals(status.status()))) {
            return Math.max(configuration.maxRetries(), configuration.maxDnsProblemRetries());
        }
        if (deferred.values().stream().allMatch(status -> NO_ROUTE.equals(status.status()))) {
            return configuration.maxDnsProblemRetries();
        }
        return configuration.maxRetries();
    }

    private void sendCopy(Mail mail, List<MailAddress> recipients, String state) {
        Mail copy = null;
        try {
            copy = MailImpl.duplicate(mail);
            // duplicate() appends to the name; James refuses names grown past 7 appends as a loop.
            copy.setName(mail.getName());
            copy.setRecipients(recipients);
            mailetContext.sendMail(copy, state);
        } catch (Exception e) {
            LOGGER.error("Mail {}: delivered to {} but could not be sent to the onSuccess processor {}", mail.getName(), recipients, state, e);
        } finally {
            LifecycleUtil.dispose(copy);
        }
    }

    private static void giveBack(MailQueue.MailQueueItem item) {
        try {
            item.done(MailQueue.MailQueueItem.CompletionStatus.RETRY);
        } catch (Exception e) {
            LOGGER.error("TieredRemoteDelivery: the queue refused mail {} back", item.getMail().getName(), e);
        }
    }

    @Override
    public void dispose() {
        if (subscription != null) {
            subscription.dispose();
            dequeuer.dispose();
            workers.disposeGracefully()
                .timeout(Duration.ofSeconds(5))
                .onErrorResume(e -> Mono.empty())
                .block();
        }
    }
}
