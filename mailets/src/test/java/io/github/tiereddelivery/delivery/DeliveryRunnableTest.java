package io.github.tiereddelivery.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.doReturn;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import javax.mail.MessagingException;

import org.apache.james.core.MailAddress;

import org.apache.james.queue.api.MailQueue;
import org.apache.james.queue.api.MailQueue.MailQueueItem.CompletionStatus;
import org.apache.james.transport.mailets.remote.delivery.DeliveryRetriesHelper;
import org.apache.mailet.Mail;
import org.apache.mailet.MailetContext;
import org.apache.mailet.base.test.FakeMail;
import org.apache.mailet.base.test.FakeMailContext;
import org.apache.mailet.base.test.FakeMailetConfig;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.github.tiereddelivery.dsn.RecipientStatus;

/** What the queue consumer does with a mail after its attempt: busy servers, and failures of ours. */
class DeliveryRunnableTest {
    private MailQueue queue;
    private MailQueue.MailQueueItem item;
    private MailDelivrer delivrer;
    private Mail mail;
    private DeliveryRunnable runnable;

    @BeforeEach
    void setUp() throws Exception {
        queue = mock(MailQueue.class);
        item = mock(MailQueue.MailQueueItem.class);
        delivrer = mock(MailDelivrer.class);
        mail = FakeMail.builder().name("mail-to-acme.test").sender("sender@sender.test").recipient("user@acme.test").build();
        when(item.getMail()).thenReturn(mail);
        when(delivrer.deliver(any())).thenThrow(new NullPointerException("a fault of ours"));
        DeliveryConfiguration configuration = DeliveryConfiguration.from(FakeMailetConfig.builder()
            .mailetName("TieredRemoteDelivery")
            .setProperty("delayTime", "3 * 10 seconds, 5 minutes")
            .build());
        FakeMailContext context = FakeMailContext.defaultContext();
        runnable = new DeliveryRunnable(queue, configuration, delivrer, new Bouncer(Optional.empty(), context), context);
    }

    @Test
    void aMailWhoseAttemptFailedUnexpectedlyIsQueuedAgainForItsNextDelayAndTakenOffTheQueue() throws Exception {
        runnable.process(item);

        verify(queue).enQueue(mail, Duration.ofSeconds(10));
        verify(item).done(CompletionStatus.SUCCESS);
        verify(item, never()).done(CompletionStatus.RETRY);
    }

    @Test
    void anUnexpectedFailureIsNotCountedAsARetry() throws Exception {
        DeliveryRetriesHelper.incrementRetries(mail);
        DeliveryRetriesHelper.incrementRetries(mail);
        DeliveryRetriesHelper.incrementRetries(mail);

        runnable.process(item);

        verify(queue).enQueue(mail, Duration.ofMinutes(5));
        assertThat(DeliveryRetriesHelper.retrieveRetries(mail)).isEqualTo(3);
    }

    @Test
    void aMailThatCannotBeQueuedAgainIsGivenBackToTheQueue() throws Exception {
        doThrow(new MailQueue.MailQueueException("queue closed")).when(queue).enQueue(any(), any(Duration.class));

        runnable.process(item);

        verify(item).done(CompletionStatus.RETRY);
        verify(item, never()).done(eq(CompletionStatus.SUCCESS));
    }

    @Test
    void aMailThatOnlyMetBusyServersWaitsAMomentWithoutCountingARetry() throws Exception {
        DeliveryRetriesHelper.incrementRetries(mail);
        reportEachRecipient(new Outcome.Deferred(BUSY, true));

        runnable.process(item);

        verify(queue).enQueue(mail, DeliveryConfiguration.BUSY_SERVER_DELAY);
        assertThat(DeliveryRetriesHelper.retrieveRetries(mail)).isEqualTo(1);
        verify(item).done(CompletionStatus.SUCCESS);
    }

    @Test
    void aMailThatAlsoMetAFailingServerWaitsForItsNextDelayAndCountsARetry() throws Exception {
        mail.setRecipients(List.of(new MailAddress("user@acme.test"), new MailAddress("other@acme.test")));
        Map<MailAddress, Outcome> outcomes = new LinkedHashMap<>();
        outcomes.put(new MailAddress("user@acme.test"), new Outcome.Deferred(BUSY, true));
        outcomes.put(new MailAddress("other@acme.test"), new Outcome.Deferred(REFUSED, false));
        doReturn(new DeliveryReport(outcomes)).when(delivrer).deliver(any());

        runnable.process(item);

        verify(queue).enQueue(mail, Duration.ofSeconds(10));
        assertThat(DeliveryRetriesHelper.retrieveRetries(mail)).isEqualTo(1);
    }

    @Test
    void aRejectedRecipientWhoseBounceCannotBeHandedToJamesStaysInTheQueue() throws Exception {
        reportEachRecipient(new Outcome.Bounced(REJECTED));

        withAMailetContextThatRefusesBounces().process(item);

        verify(queue).enQueue(mail, Duration.ofSeconds(10));
        assertThat(mail.getRecipients()).containsExactly(new MailAddress("user@acme.test"));
        verify(item).done(CompletionStatus.SUCCESS);
    }

    @Test
    void aMailPastItsRetriesWhoseBounceCannotBeHandedToJamesStaysInTheQueue() throws Exception {
        for (int retry = 0; retry < 5; retry++) {
            DeliveryRetriesHelper.incrementRetries(mail);
        }
        reportEachRecipient(new Outcome.Deferred(REFUSED, false));

        withAMailetContextThatRefusesBounces().process(item);

        verify(queue).enQueue(eq(mail), any(Duration.class));
        assertThat(mail.getRecipients()).containsExactly(new MailAddress("user@acme.test"));
    }

    @Test
    void aRejectedRecipientWhoseBounceWasHandedToJamesLeavesTheQueue() throws Exception {
        reportEachRecipient(new Outcome.Bounced(REJECTED));

        runnable.process(item);

        verify(queue, never()).enQueue(any(), any(Duration.class));
        verify(item).done(CompletionStatus.SUCCESS);
    }

    @Test
    void aTemporaryDnsFailureIsNotBouncedBeforeMaxDnsProblemRetriesEvenPastMaxRetries() throws Exception {
        DeliveryRetriesHelper.incrementRetries(mail);
        reportEachRecipient(new Outcome.Deferred(DNS_DOWN, false));

        withRetries("1", "3").process(item);

        verify(queue).enQueue(mail, Duration.ofSeconds(10));
        assertThat(DeliveryRetriesHelper.retrieveRetries(mail)).isEqualTo(2);
    }

    @Test
    void aNameWithoutAddressIsNotBouncedBeforeMaxDnsProblemRetriesEvenPastMaxRetries() throws Exception {
        DeliveryRetriesHelper.incrementRetries(mail);
        reportEachRecipient(new Outcome.Deferred(NO_SUCH_HOST, false));

        withRetries("1", "3").process(item);

        verify(queue).enQueue(mail, Duration.ofSeconds(10));
        assertThat(DeliveryRetriesHelper.retrieveRetries(mail)).isEqualTo(2);
    }

    @Test
    void aServerFailureIsBouncedAtMaxRetriesWhateverMaxDnsProblemRetriesSays() throws Exception {
        DeliveryRetriesHelper.incrementRetries(mail);
        reportEachRecipient(new Outcome.Deferred(REFUSED, false));

        withRetries("1", "3").process(item);

        verify(queue, never()).enQueue(any(), any(Duration.class));
        verify(item).done(CompletionStatus.SUCCESS);
    }

    private DeliveryRunnable withRetries(String maxRetries, String maxDnsProblemRetries) throws Exception {
        DeliveryConfiguration configuration = DeliveryConfiguration.from(FakeMailetConfig.builder()
            .mailetName("TieredRemoteDelivery")
            .setProperty("delayTime", "10 seconds")
            .setProperty("maxRetries", maxRetries)
            .setProperty("maxDnsProblemRetries", maxDnsProblemRetries)
            .build());
        FakeMailContext context = FakeMailContext.defaultContext();
        return new DeliveryRunnable(queue, configuration, delivrer, new Bouncer(Optional.empty(), context), context);
    }

    private DeliveryRunnable withAMailetContextThatRefusesBounces() throws Exception {
        MailetContext context = mock(MailetContext.class);
        doThrow(new MessagingException("spool closed: James is stopping")).when(context).bounce(any(), any());
        DeliveryConfiguration configuration = DeliveryConfiguration.from(FakeMailetConfig.builder()
            .mailetName("TieredRemoteDelivery")
            .setProperty("delayTime", "3 * 10 seconds, 5 minutes")
            .setProperty("maxRetries", "5")
            .build());
        return new DeliveryRunnable(queue, configuration, delivrer, new Bouncer(Optional.empty(), context), context);
    }

    private void reportEachRecipient(Outcome outcome) {
        Map<MailAddress, Outcome> outcomes = new LinkedHashMap<>();
        mail.getRecipients().forEach(recipient -> outcomes.put(recipient, outcome));
        doReturn(new DeliveryReport(outcomes)).when(delivrer).deliver(any());
    }

    private static final RecipientStatus BUSY = RecipientStatus.of("4.4.5", "mx1.acme.test[127.0.0.2]:25: busy");
    private static final RecipientStatus REJECTED = RecipientStatus.of("5.1.1", "550 5.1.1 no such user");
    private static final RecipientStatus DNS_DOWN = RecipientStatus.of("4.4.3", "MX look-up of acme.test: SERVFAIL");
    private static final RecipientStatus NO_SUCH_HOST = RecipientStatus.of("5.4.4", "mx.acme.test: no such host (NXDOMAIN)");
    private static final RecipientStatus REFUSED = RecipientStatus.of("4.4.1", "mx2.acme.test[127.0.0.3]:25: connection refused");
}
