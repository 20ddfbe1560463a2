package io.github.tiereddelivery.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import javax.jms.Connection;
import javax.jms.Message;
import javax.jms.Session;

import org.apache.james.core.builder.MimeMessageBuilder;
import org.apache.james.filesystem.api.FileSystem;
import org.apache.james.metrics.api.GaugeRegistry;
import org.apache.james.metrics.api.MetricFactory;
import org.apache.james.metrics.api.NoopGaugeRegistry;
import org.apache.james.metrics.tests.RecordingMetricFactory;
import org.apache.james.queue.activemq.ActiveMQMailQueueFactory;
import org.apache.james.queue.activemq.EmbeddedActiveMQ;
import org.apache.james.queue.api.MailQueue;
import org.apache.james.queue.api.MailQueue.MailQueueItem.CompletionStatus;
import org.apache.james.queue.api.MailQueueFactory;
import org.apache.james.queue.api.MailQueueItemDecoratorFactory;
import org.apache.james.queue.api.MailQueueName;
import org.apache.james.queue.api.ManageableMailQueue;
import org.apache.james.queue.api.RawMailQueueItemDecoratorFactory;
import org.apache.james.queue.jms.JMSSupport;
import org.apache.james.server.core.MailImpl;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.google.common.io.MoreFiles;
import com.google.common.io.RecursiveDeleteOption;
import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Key;
import com.google.inject.TypeLiteral;

import io.github.tiereddelivery.it.support.ActiveMQMailQueueModule;
import reactor.core.publisher.Flux;

/**
 * James 3.8.1's ActiveMQ mail queue, alone (the broker of {@link ActiveMQMailQueueModule} without a James): why
 * TieredRemoteDelivery never gives a mail back with {@code RETRY} when an attempt fails in an unexpected way, but
 * queues it again with a delay. A mail given back is redelivered at once, and the 7th time ActiveMQ's default
 * redelivery policy (6 redeliveries) moves it to {@code ActiveMQ.DLQ}, a queue James never reads.
 */
class ActiveMQMailQueueRedeliveryTest {
    private static final int ACTIVEMQ_DEFAULT_MAXIMUM_REDELIVERIES = 6;

    private Path workingDirectory;
    private Injector injector;
    private ManageableMailQueue outgoing;

    @BeforeEach
    void startBroker() throws Exception {
        workingDirectory = Files.createTempDirectory("activemq-queue-");
        injector = Guice.createInjector(new ActiveMQMailQueueModule(), binder -> {
            binder.bind(FileSystem.class).toInstance(new WorkingDirectory(workingDirectory));
            binder.bind(MetricFactory.class).toInstance(new RecordingMetricFactory());
            binder.bind(GaugeRegistry.class).toInstance(new NoopGaugeRegistry());
            binder.bind(MailQueueItemDecoratorFactory.class).to(RawMailQueueItemDecoratorFactory.class);
        });
        outgoing = injector.getInstance(Key.get(new TypeLiteral<MailQueueFactory<? extends ManageableMailQueue>>() { }))
            .createQueue(MailQueueName.of("outgoing"));
    }

    @AfterEach
    void stopBroker() throws Exception {
        try {
            injector.getInstance(ActiveMQMailQueueFactory.class).destroy();
            injector.getInstance(EmbeddedActiveMQ.class).stop();
        } finally {
            MoreFiles.deleteRecursively(workingDirectory, RecursiveDeleteOption.ALLOW_INSECURE);
        }
    }

    @Test
    void aMailGivenBackSevenTimesLeavesTheQueueForActiveMQsDeadLetterQueue() throws Exception {
        outgoing.enQueue(MailImpl.builder()
            .name("mail-to-acme.test")
            .sender("sender@sender.test")
            .addRecipient("user@acme.test")
            .mimeMessage(MimeMessageBuilder.mimeMessageBuilder().setSubject("test").setText("Hello").build())
            .build());

        for (int delivery = 1; delivery <= 1 + ACTIVEMQ_DEFAULT_MAXIMUM_REDELIVERIES; delivery++) {
            MailQueue.MailQueueItem item = Flux.from(outgoing.deQueue()).blockFirst();
            assertThat(item.getMail().getName()).isEqualTo("mail-to-acme.test");
            item.done(CompletionStatus.RETRY);
        }

        assertThat(outgoing.getSize()).isZero();
        assertThat(deadLetterMailName()).isEqualTo("mail-to-acme.test");
    }

    private String deadLetterMailName() throws Exception {
        Connection connection = injector.getInstance(EmbeddedActiveMQ.class).getConnectionFactory().createConnection();
        try {
            connection.start();
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Message dead = session.createConsumer(session.createQueue("ActiveMQ.DLQ"))
                .receive(Duration.ofSeconds(10).toMillis());
            assertThat(dead).isNotNull();
            return dead.getStringProperty(JMSSupport.JAMES_MAIL_NAME);
        } finally {
            connection.close();
        }
    }

    /** James' FileSystem as the broker uses it: {@code file://x} is x in the working directory. */
    private static final class WorkingDirectory implements FileSystem {
        private static final String RELATIVE = "file://";

        private final Path directory;

        WorkingDirectory(Path directory) {
            this.directory = directory;
        }

        @Override
        public InputStream getResource(String url) throws IOException {
            return new FileInputStream(getFile(url));
        }

        @Override
        public File getFile(String url) {
            if (url.startsWith(RELATIVE)) {
                return directory.resolve(url.substring(RELATIVE.length())).toFile();
            }
            return new File(URI.create(url));
        }

        @Override
        public File getBasedir() {
            return directory.toFile();
        }
    }
}
