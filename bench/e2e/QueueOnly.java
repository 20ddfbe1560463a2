package io.github.tiereddelivery.bench.e2e;

import javax.inject.Inject;
import javax.mail.MessagingException;

import org.apache.james.lifecycle.api.LifecycleUtil;
import org.apache.james.queue.api.MailQueue;
import org.apache.james.queue.api.MailQueueFactory;
import org.apache.james.queue.api.MailQueueName;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMailet;

import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Case q of the end-to-end benchmark, not part of the product: what a remote-delivery mailet costs before it delivers
 * anything. It queues the mail in James' {@code outgoing} queue as RemoteDelivery does, and {@code deliveryThreads}
 * workers take each one off the queue and acknowledge it. Its throughput is the ceiling of any delivery mailet that
 * uses James' queue for its retries (the mission asks for that), as case a (Null) is the ceiling of James itself.
 * bench.py compiles it against James' jars into a jar of its own for this case's extensions-jars folder.
 */
public class QueueOnly extends GenericMailet {

    private final MailQueueFactory<?> queues;
    private MailQueue queue;
    private Scheduler workers;
    private Disposable consumer;

    @Inject
    public QueueOnly(MailQueueFactory<?> queues) {
        this.queues = queues;
    }

    @Override
    public void init() throws MessagingException {
        int threads = Integer.parseInt(getInitParameter("deliveryThreads", "20"));
        queue = queues.createQueue(MailQueueName.of(getInitParameter("outgoing", "outgoing")));
        workers = Schedulers.newBoundedElastic(threads, Integer.MAX_VALUE, "QueueOnly");
        consumer = Flux.from(queue.deQueue())
            .flatMap(item -> Mono.fromRunnable(() -> acknowledge(item)).subscribeOn(workers), threads)
            .subscribe();
    }

    private static void acknowledge(MailQueue.MailQueueItem item) {
        try {
            item.done(MailQueue.MailQueueItem.CompletionStatus.SUCCESS);
        } catch (MailQueue.MailQueueException e) {
            throw new IllegalStateException(e);
        } finally {
            LifecycleUtil.dispose(item.getMail());
        }
    }

    @Override
    public void service(Mail mail) throws MessagingException {
        queue.enQueue(mail);
        mail.setState(Mail.GHOST);
    }

    @Override
    public void destroy() {
        consumer.dispose();
        workers.dispose();
    }
}
