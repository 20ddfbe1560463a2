package io.github.tiereddelivery.delivery;

import static io.github.tiereddelivery.delivery.Servers.server;
import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyList;
import static org.mockito.ArgumentMatchers.argThat;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import org.apache.james.core.MailAddress;
import org.apache.james.metrics.tests.RecordingMetricFactory;
import org.apache.james.transport.mailets.remote.delivery.DeliveryRetriesHelper;
import org.apache.mailet.Mail;
import org.apache.mailet.base.test.FakeMail;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.github.tiereddelivery.dsn.RecipientStatus;
import io.github.tiereddelivery.routes.Balancing;
import io.github.tiereddelivery.routes.Destination;
import io.github.tiereddelivery.routes.HostSpec;
import io.github.tiereddelivery.routes.Route;
import io.github.tiereddelivery.routes.RouteKey;
import io.github.tiereddelivery.routes.RouteTable;
import io.github.tiereddelivery.testing.LogCapture;

class MailDelivrerTest {
    private static final Server PRIMARY = server("mx1.acme.test", "127.0.0.2", 10);
    private static final Server PRIMARY_TWIN = server("mx2.acme.test", "127.0.0.3", 10);
    private static final Server BACKUP = server("backup.acme.test", "127.0.0.4", 20);
    private static final RecipientStatus OK = RecipientStatus.of("2.0.0", "250 2.0.0 OK");
    private static final RecipientStatus REFUSED = RecipientStatus.of("4.4.1", "connect to server: Connection refused");
    private static final RecipientStatus GREYLISTED = RecipientStatus.of("4.7.1", "451 4.7.1 greylisted");
    private static final RecipientStatus BUSY = RecipientStatus.of("4.4.5", "mx1.acme.test[127.0.0.2]:25: busy");
    private static final RecipientStatus UNKNOWN_USER = RecipientStatus.of("5.1.1", "550 5.1.1 unknown user");

    private MailAddress alice;
    private MailAddress bob;
    private RoutePlanner planner;
    private MailDelivrerToServer servers;
    private Balancer inOrder;
    private OwnListeners ownListeners = OwnListeners.none();
    private final ManualClock clock = new ManualClock();
    private final ServerHealth health = new ServerHealth(clock);
    private final RecentPlans recentPlans = new RecentPlans();
    private final RecordingMetricFactory metrics = new RecordingMetricFactory();

    @BeforeEach
    void setUp() throws Exception {
        alice = new MailAddress("alice@acme.test");
        bob = new MailAddress("bob@acme.test");
        planner = mock(RoutePlanner.class);
        servers = mock(MailDelivrerToServer.class);
        inOrder = mock(Balancer.class);
        when(inOrder.order(any(), any())).thenAnswer(invocation -> ((Tier) invocation.getArgument(1)).servers());
    }

    private MailDelivrer delivrer(int maxDnsProblemRetries) {
        DeliveryRegistry.Engine engine = new DeliveryRegistry.Engine("test", null, new Router(RouteTable::empty, Optional.empty()),
            planner, ownListeners, recentPlans);
        return new MailDelivrer(engine, new ServerSelector(inOrder, health), health, servers, new DeliveryMetrics(metrics),
            maxDnsProblemRetries);
    }

    /** A route naming its hosts: one of this James is skipped alone, the next host tried. */
    private void hostRoute(Server... all) {
        Route route = Route.of(RouteKey.ofDomain("acme.test"), new Destination.Hosts(List.of(HostSpec.parse("[127.0.0.9]", 10, 1))));
        RoutePlan plan = new RoutePlan(new DeliveryTarget.Routed(route, "route acme.test"), RoutePlanner.tiers(List.of(all)),
            Balancing.RANDOM, Optional.empty(), Optional.empty());
        when(planner.plan(any())).thenReturn(new Resolution.Planned(plan));
    }

    private void tiers(Server... all) {
        RoutePlan plan = new RoutePlan(new DeliveryTarget.DomainMx("acme.test"), RoutePlanner.tiers(List.of(all)),
            Balancing.RANDOM, Optional.empty(), Optional.empty());
        when(planner.plan(any())).thenReturn(new Resolution.Planned(plan));
    }

    /** The server answers each recipient it is asked about with the verdict the function gives. */
    private void answers(Server server, Function<MailAddress, RecipientResult> perRecipient) {
        when(servers.attempt(any(), anyList(), eq(server), any(), any())).thenAnswer(invocation -> {
            List<MailAddress> recipients = invocation.getArgument(1);
            Map<MailAddress, RecipientResult> results = new LinkedHashMap<>();
            recipients.forEach(recipient -> results.put(recipient, perRecipient.apply(recipient)));
            return new AttemptResult(server, results, AttemptResult.ServerCondition.RESPONDED);
        });
    }

    private void down(Server server) {
        when(servers.attempt(any(), anyList(), eq(server), any(), any())).thenAnswer(invocation -> {
            List<MailAddress> recipients = invocation.getArgument(1);
            Map<MailAddress, RecipientResult> results = new LinkedHashMap<>();
            recipients.forEach(recipient -> results.put(recipient, new RecipientResult(Verdict.SERVER_FAILED, REFUSED)));
            return new AttemptResult(server, results, AttemptResult.ServerCondition.FAILED);
        });
    }

    /** While this attempt waits on the primary, which then fails, another message's session with the twin fails. */
    private void primaryFailsWhileAnotherMessagePutsTheTwinDown() {
        when(servers.attempt(any(), anyList(), eq(PRIMARY), any(), any())).thenAnswer(invocation -> {
            health.failed(PRIMARY_TWIN, "no greeting within 3000 ms");
            List<MailAddress> recipients = invocation.getArgument(1);
            return AttemptResult.same(PRIMARY, recipients, new RecipientResult(Verdict.SERVER_FAILED, REFUSED),
                AttemptResult.ServerCondition.FAILED);
        });
    }

    private static Function<MailAddress, RecipientResult> all(Verdict verdict, RecipientStatus status) {
        return any -> new RecipientResult(verdict, status);
    }

    private Mail mail(MailAddress... recipients) throws Exception {
        return FakeMail.builder().name("mail1").sender("sender@sender.test").recipients(recipients).build();
    }

    @Test
    void thePrimaryGetsTheMailWhenItIsUp() throws Exception {
        tiers(PRIMARY, BACKUP);
        answers(PRIMARY, all(Verdict.DELIVERED, OK));

        DeliveryReport report = delivrer(0).deliver(mail(alice, bob));

        assertThat(report.delivered()).containsExactlyInAnyOrder(alice, bob);
        verify(servers, never()).attempt(any(), anyList(), eq(BACKUP), any(), any());
    }

    @Test
    void aServerThatWentDownWhileThisAttemptTriedAnotherIsTriedAfterTheHealthyServersOfLaterTiers() throws Exception {
        tiers(PRIMARY, PRIMARY_TWIN, BACKUP);
        primaryFailsWhileAnotherMessagePutsTheTwinDown();
        answers(BACKUP, all(Verdict.DELIVERED, OK));

        DeliveryReport report = delivrer(0).deliver(mail(alice));

        assertThat(report.outcomes().get(alice)).isEqualTo(new Outcome.Delivered(BACKUP, OK));
        verify(servers, never()).attempt(any(), anyList(), eq(PRIMARY_TWIN), any(), any());
    }

    @Test
    void aServerThatWentDownWhileThisAttemptTriedAnotherIsStillTriedLast() throws Exception {
        tiers(PRIMARY, PRIMARY_TWIN);
        primaryFailsWhileAnotherMessagePutsTheTwinDown();
        answers(PRIMARY_TWIN, all(Verdict.DELIVERED, OK));

        DeliveryReport report = delivrer(0).deliver(mail(alice));

        assertThat(report.outcomes().get(alice)).isEqualTo(new Outcome.Delivered(PRIMARY_TWIN, OK));
    }

    @Test
    void theAuditLineGivesEachVerdictItsOwnReply() throws Exception {
        tiers(PRIMARY);
        MailAddress carol = new MailAddress("carol@acme.test");
        answers(PRIMARY, recipient -> recipient.equals(alice) ? new RecipientResult(Verdict.DELIVERED, OK)
            : recipient.equals(bob) ? new RecipientResult(Verdict.RECIPIENT_DEFERRED, GREYLISTED)
            : new RecipientResult(Verdict.REJECTED, UNKNOWN_USER));

        try (LogCapture log = LogCapture.of(MailDelivrer.class.getName())) {
            delivrer(0).deliver(mail(alice, bob, carol));

            assertThat(log.events()).singleElement().satisfies(event -> {
                assertThat(event.getFormattedMessage()).endsWith(": delivered [alice@acme.test] (" + OK.status() + " "
                    + OK.diagnostic() + "); rejected [carol@acme.test] (5.1.1 550 5.1.1 unknown user); "
                    + "recipient-deferred [bob@acme.test] (4.7.1 451 4.7.1 greylisted)");
                assertThat(event.getMDCPropertyMap())
                    .containsEntry("outcome", "delivered [alice@acme.test]; rejected [carol@acme.test]; recipient-deferred [bob@acme.test]")
                    .containsEntry("reply", "550 5.1.1 unknown user");
            });
        }
    }

    @Test
    void theBackupTierGetsTheMailInTheSameAttemptWhenThePrimaryIsDown() throws Exception {
        tiers(PRIMARY, BACKUP);
        down(PRIMARY);
        answers(BACKUP, all(Verdict.DELIVERED, OK));

        DeliveryReport report = delivrer(0).deliver(mail(alice));

        assertThat(report.outcomes().get(alice)).isEqualTo(new Outcome.Delivered(BACKUP, OK));
    }

    @Test
    void aDeliveryByALaterTierCountsAsAFailOverAndTheFailedServerIsRemembered() throws Exception {
        tiers(PRIMARY, BACKUP);
        down(PRIMARY);
        answers(BACKUP, all(Verdict.DELIVERED, OK));

        delivrer(0).deliver(mail(alice, bob));

        assertThat(metrics.countFor("tieredDelivery.failover.route.acme.test")).isEqualTo(2);
        assertThat(metrics.countFor("tieredDelivery.delivered.route.acme.test")).isEqualTo(2);
        assertThat(metrics.countFor("tieredDelivery.failed.server.127.0.0.2_25")).isEqualTo(1);
        assertThat(health.availability(PRIMARY)).isEqualTo(ServerHealth.Availability.DOWN);
        assertThat(recentPlans.plans()).hasSize(1);
    }

    @Test
    void aRecoveredServerWhoseProbeAnotherServerMadeUnnecessaryIsProbedByTheNextMail() throws Exception {
        tiers(PRIMARY, PRIMARY_TWIN);
        health.failed(PRIMARY, "connection refused");
        health.failed(PRIMARY_TWIN, "connection refused");
        clock.advance(Duration.ofMinutes(1));
        answers(PRIMARY, all(Verdict.DELIVERED, OK));
        answers(PRIMARY_TWIN, all(Verdict.DELIVERED, OK));

        delivrer(0).deliver(mail(alice));

        assertThat(health.availability(PRIMARY)).isEqualTo(ServerHealth.Availability.UP);
        assertThat(health.availability(PRIMARY_TWIN)).isEqualTo(ServerHealth.Availability.PROBE);
    }

    @Test
    void aBusyServerIsPassedForTheNextOneWithoutBeingMarkedDown() throws Exception {
        tiers(PRIMARY, BACKUP);
        answers(PRIMARY, all(Verdict.SERVER_BUSY, BUSY));
        answers(BACKUP, all(Verdict.DELIVERED, OK));

        DeliveryReport report = delivrer(0).deliver(mail(alice));

        assertThat(report.delivered()).containsExactly(alice);
        assertThat(health.availability(PRIMARY)).isEqualTo(ServerHealth.Availability.UP);
    }

    @Test
    void aRecipientThatOnlyMetBusyOrFailingServersIsDeferredAsHavingMetABusyOne() throws Exception {
        tiers(PRIMARY, BACKUP);
        answers(PRIMARY, all(Verdict.SERVER_BUSY, BUSY));
        down(BACKUP);

        DeliveryReport report = delivrer(0).deliver(mail(alice));

        assertThat(report.deferredOnlyForBusyServers()).isTrue();
        assertThat(metrics.countFor("tieredDelivery.deferred.route.acme.test")).isZero();
    }

    @Test
    void aRecipientThatOnlyMetFailingServersIsNotWaitingForABusyOne() throws Exception {
        tiers(PRIMARY, BACKUP);
        down(PRIMARY);
        down(BACKUP);

        DeliveryReport report = delivrer(0).deliver(mail(alice));

        assertThat(report.deferred()).containsOnlyKeys(alice);
        assertThat(report.deferredOnlyForBusyServers()).isFalse();
    }

    @Test
    void deferredAndBouncedRecipientsAreCountedPerRoute() throws Exception {
        tiers(PRIMARY);
        answers(PRIMARY, recipient -> recipient.equals(bob)
            ? new RecipientResult(Verdict.REJECTED, UNKNOWN_USER) : new RecipientResult(Verdict.SERVER_FAILED, GREYLISTED));

        delivrer(0).deliver(mail(alice, bob));

        assertThat(metrics.countFor("tieredDelivery.bounced.route.acme.test")).isEqualTo(1);
        assertThat(metrics.countFor("tieredDelivery.deferred.route.acme.test")).isEqualTo(1);
    }

    @Test
    void theOtherServerOfTheTierIsTriedBeforeTheNextTier() throws Exception {
        tiers(PRIMARY, PRIMARY_TWIN, BACKUP);
        down(PRIMARY);
        answers(PRIMARY_TWIN, all(Verdict.DELIVERED, OK));

        assertThat(delivrer(0).deliver(mail(alice)).outcomes().get(alice)).isEqualTo(new Outcome.Delivered(PRIMARY_TWIN, OK));
        verify(servers, never()).attempt(any(), anyList(), eq(BACKUP), any(), any());
    }

    @Test
    void aRecipientRefusedWith4xxAtRcptIsOfferedToTheOtherServerOfItsTier() throws Exception {
        tiers(PRIMARY, PRIMARY_TWIN, BACKUP);
        answers(PRIMARY, recipient -> recipient.equals(bob)
            ? new RecipientResult(Verdict.RECIPIENT_DEFERRED, GREYLISTED) : new RecipientResult(Verdict.DELIVERED, OK));
        answers(PRIMARY_TWIN, all(Verdict.DELIVERED, OK));

        DeliveryReport report = delivrer(0).deliver(mail(alice, bob));

        assertThat(report.outcomes().get(alice)).isEqualTo(new Outcome.Delivered(PRIMARY, OK));
        assertThat(report.outcomes().get(bob)).isEqualTo(new Outcome.Delivered(PRIMARY_TWIN, OK));
        verify(servers).attempt(any(), eq(List.of(bob)), eq(PRIMARY_TWIN), any(), any());
    }

    @Test
    void aRecipientRefusedWith4xxByItsWholeTierIsDeferredWithoutTryingTheNextTier() throws Exception {
        tiers(PRIMARY, BACKUP);
        answers(PRIMARY, all(Verdict.RECIPIENT_DEFERRED, GREYLISTED));
        answers(BACKUP, all(Verdict.DELIVERED, OK));

        DeliveryReport report = delivrer(0).deliver(mail(alice));

        assertThat(report.deferred()).containsExactly(Map.entry(alice, GREYLISTED));
        verify(servers, never()).attempt(any(), anyList(), eq(BACKUP), any(), any());
    }

    @Test
    void aRecipientRefusedWith5xxIsBouncedWhileTheOthersAreDelivered() throws Exception {
        tiers(PRIMARY, BACKUP);
        answers(PRIMARY, recipient -> recipient.equals(bob)
            ? new RecipientResult(Verdict.REJECTED, UNKNOWN_USER) : new RecipientResult(Verdict.DELIVERED, OK));

        DeliveryReport report = delivrer(0).deliver(mail(alice, bob));

        assertThat(report.delivered()).containsExactly(alice);
        assertThat(report.bounced()).containsExactly(Map.entry(bob, UNKNOWN_USER));
        verify(servers, never()).attempt(any(), anyList(), eq(BACKUP), any(), any());
    }

    @Test
    void aTemporaryFailureAfterTheDataGoesToTheNextServerForTheWholeMessage() throws Exception {
        tiers(PRIMARY, BACKUP);
        answers(PRIMARY, all(Verdict.SERVER_FAILED, RecipientStatus.of("4.3.0", "451 4.3.0 try later")));
        answers(BACKUP, all(Verdict.DELIVERED, OK));

        assertThat(delivrer(0).deliver(mail(alice, bob)).delivered()).containsExactlyInAnyOrder(alice, bob);
        verify(servers).attempt(any(), argThat(recipients -> recipients.containsAll(List.of(alice, bob))), eq(BACKUP), any(), any());
    }

    @Test
    void whenEveryServerFailsTheRecipientsAreDeferredWithTheLastError() throws Exception {
        tiers(PRIMARY, BACKUP);
        down(PRIMARY);
        answers(BACKUP, all(Verdict.SERVER_FAILED, GREYLISTED));

        assertThat(delivrer(0).deliver(mail(alice)).deferred()).containsExactly(Map.entry(alice, GREYLISTED));
    }

    @Test
    void aServerWhereThisJamesListensIsNeverSentToAndTheRoutesNextHostTakesTheMail() throws Exception {
        hostRoute(PRIMARY, BACKUP);
        ownListeners = new OwnListeners(() -> List.of(PRIMARY.address()), List::of);
        answers(BACKUP, all(Verdict.DELIVERED, OK));

        assertThat(delivrer(0).deliver(mail(alice)).outcomes().get(alice)).isEqualTo(new Outcome.Delivered(BACKUP, OK));
        verify(servers, never()).attempt(any(), anyList(), eq(PRIMARY), any(), any());
    }

    @Test
    void aRouteThatOnlyLoopsBackIsDeferredWithAnErrorNamingTheRoute() throws Exception {
        hostRoute(PRIMARY);
        ownListeners = new OwnListeners(() -> List.of(new InetSocketAddress("0.0.0.0", 25)), List::of);

        RecipientStatus status = delivrer(0).deliver(mail(alice)).deferred().get(alice);

        assertThat(status.status()).isEqualTo("4.4.6");
        assertThat(status.diagnostic()).contains("mail loop: route acme.test resolves to mx1.acme.test[127.0.0.2]:25");
    }

    @Test
    void anMxOfThisJamesDiscardsItsTierAndTheLaterOnesAndOnlyMorePreferredHostsAreTried() throws Exception {
        tiers(PRIMARY, BACKUP, server("last.acme.test", "127.0.0.5", 30));
        ownListeners = new OwnListeners(() -> List.of(BACKUP.address()), List::of);
        down(PRIMARY);

        RecipientStatus status = delivrer(0).deliver(mail(alice)).deferred().get(alice);

        assertThat(status).isEqualTo(REFUSED);
        verify(servers, never()).attempt(any(), anyList(), eq(BACKUP), any(), any());
        verify(servers).attempt(any(), anyList(), eq(PRIMARY), any(), any());
        verify(servers, times(1)).attempt(any(), anyList(), any(), any(), any());
    }

    @Test
    void aRecoveredMxLessPreferredThanThisJamesKeepsItsProbeForAnotherMail() throws Exception {
        Server last = server("last.acme.test", "127.0.0.5", 30);
        tiers(PRIMARY, BACKUP, last);
        ownListeners = new OwnListeners(() -> List.of(BACKUP.address()), List::of);
        health.failed(last, "connection refused");
        clock.advance(Duration.ofMinutes(1));
        answers(PRIMARY, all(Verdict.DELIVERED, OK));

        delivrer(0).deliver(mail(alice));

        assertThat(health.availability(last)).as("not left claimed by a mail that could not use it")
            .isEqualTo(ServerHealth.Availability.PROBE);
    }

    @Test
    void aDomainWhoseMostPreferredMxIsThisJamesIsBouncedAsLoopingBackToMyself() throws Exception {
        tiers(PRIMARY, BACKUP);
        ownListeners = new OwnListeners(() -> List.of(PRIMARY.address()), List::of);

        RecipientStatus status = delivrer(0).deliver(mail(alice)).bounced().get(alice);

        assertThat(status.status()).isEqualTo("5.4.6");
        assertThat(status.diagnostic()).contains("mail for acme.test loops back to myself");
        verify(servers, never()).attempt(any(), anyList(), any(), any(), any());
    }

    @Test
    void aNullMxBouncesAtOnce() throws Exception {
        RecipientStatus nullMx = RecipientStatus.of("5.1.10", "acme.test has a null MX record");
        when(planner.plan(any())).thenReturn(new Resolution.Unresolvable(nullMx, Resolution.Consequence.BOUNCE_NOW));

        assertThat(delivrer(3).deliver(mail(alice)).bounced()).containsExactly(Map.entry(alice, nullMx));
    }

    @Test
    void aNameWithoutAddressIsDeferredUntilMaxDnsProblemRetries() throws Exception {
        RecipientStatus noAddress = RecipientStatus.of("5.4.4", "no server has an address");
        when(planner.plan(any())).thenReturn(new Resolution.Unresolvable(noAddress, Resolution.Consequence.BOUNCE_AFTER_DNS_RETRIES));
        Mail mail = mail(alice);

        assertThat(delivrer(1).deliver(mail).deferred()).containsOnlyKeys(alice);
        mail.setAttribute(DeliveryRetriesHelper.makeAttribute(1));
        assertThat(delivrer(1).deliver(mail).bounced()).containsOnlyKeys(alice);
    }

    @Test
    void aTemporaryDnsFailureIsNeverABounce() throws Exception {
        RecipientStatus servfail = RecipientStatus.of("4.4.3", "temporary DNS failure");
        when(planner.plan(any())).thenReturn(new Resolution.Unresolvable(servfail, Resolution.Consequence.DEFER));
        Mail mail = mail(alice);
        mail.setAttribute(DeliveryRetriesHelper.makeAttribute(50));

        assertThat(delivrer(0).deliver(mail).deferred()).containsExactly(Map.entry(alice, servfail));
    }
}
