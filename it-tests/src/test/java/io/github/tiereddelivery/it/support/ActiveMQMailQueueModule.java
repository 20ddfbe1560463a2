package io.github.tiereddelivery.it.support;

import org.apache.activemq.store.PersistenceAdapter;
import org.apache.activemq.store.kahadb.KahaDBPersistenceAdapter;
import org.apache.james.queue.activemq.ActiveMQMailQueueFactory;
import org.apache.james.queue.activemq.EmbeddedActiveMQ;
import org.apache.james.queue.activemq.metric.ActiveMQMetricCollector;
import org.apache.james.queue.activemq.metric.ActiveMQMetricCollectorNoop;
import org.apache.james.queue.api.MailQueue;
import org.apache.james.queue.api.MailQueueFactory;
import org.apache.james.queue.api.ManageableMailQueue;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Scopes;
import com.google.inject.Singleton;

/**
 * Test only: the memory server's mail queues ({@code spool}, {@code outgoing}, …) become James' ActiveMQ mail queue,
 * the one James' JPA server and its Spring predecessor run: {@code ActiveMQMailQueueFactory} over James'
 * {@code EmbeddedActiveMQ} broker with a persistent KahaDB store. The broker keeps its store and the message bodies
 * (blob files) under James' working directory, {@code var/store/activemq/}: a James started again on the same
 * working directory ({@link TieredJames.Builder#workingDirectory}) finds the mail the one before had queued.
 * Install it with {@link TieredJames.Builder#overrideModule}.
 *
 * <p>Lifecycle: Guice creates the broker, then the queue factory (which needs it), so James' stop — which calls the
 * {@code @PreDestroy} methods of what Guice created, last created first — closes the queues' JMS connections first
 * (uncommitted dequeues are rolled back: the mail stays queued), then stops the broker, which closes KahaDB and
 * releases its lock: the next James in this JVM opens the same store. Only objects Guice constructs get their
 * {@code @PreDestroy} called, hence class bindings here rather than instances made in provider methods.
 */
public final class ActiveMQMailQueueModule extends AbstractModule {

    @Override
    protected void configure() {
        bind(PersistenceAdapter.class).to(KahaDBPersistenceAdapter.class);
        bind(KahaDBPersistenceAdapter.class).in(Scopes.SINGLETON);
        bind(EmbeddedActiveMQ.class).in(Scopes.SINGLETON);
        bind(ActiveMQMailQueueFactory.class).in(Scopes.SINGLETON);
        // The Spring server's choice: the queue sizes stay readable through WebAdmin without a metric poller.
        bind(ActiveMQMetricCollector.class).to(ActiveMQMetricCollectorNoop.class);
    }

    /** WebAdmin's {@code /mailQueues} routes. */
    @Provides
    @Singleton
    MailQueueFactory<? extends ManageableMailQueue> manageableQueues(ActiveMQMailQueueFactory factory) {
        // No JMX MBean per queue: the harness runs one James after another in this JVM and reads its MBeans.
        factory.setUseJMX(false);
        return factory;
    }

    /** The mailets (our TieredRemoteDelivery among them), the spooler and the SMTP server. */
    @Provides
    @Singleton
    MailQueueFactory<?> queues(MailQueueFactory<? extends ManageableMailQueue> factory) {
        return factory;
    }

    @Provides
    @Singleton
    MailQueueFactory<? extends MailQueue> mailQueues(MailQueueFactory<? extends ManageableMailQueue> factory) {
        return factory;
    }
}
