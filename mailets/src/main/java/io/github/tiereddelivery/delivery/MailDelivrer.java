package io.github.tiereddelivery.delivery;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import org.apache.james.core.MailAddress;
import org.apache.james.metrics.api.TimeMetric;
import org.apache.james.transport.mailets.remote.delivery.DeliveryRetriesHelper;
import org.apache.james.util.MDCStructuredLogger;
import org.apache.mailet.Mail;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.google.common.net.InetAddresses;

import io.github.tiereddelivery.dsn.RecipientStatus;
import io.github.tiereddelivery.routes.Destination;

/**
 * One delivery attempt of a queued mail: recipients grouped by target, each target resolved into tiers, servers tried
 * in the selector's order as SPEC "Delivery behaviour" says. Decides nothing about retries or bounces beyond this
 * attempt.
 */
public class MailDelivrer {
    private static final Logger LOGGER = LoggerFactory.getLogger(MailDelivrer.class);

    private final DeliveryRegistry.Engine engine;
    private final ServerSelector selector;
    private final ServerHealth health;
    private final MailDelivrerToServer delivrerToServer;
    private final DeliveryMetrics metrics;
    private final int maxDnsProblemRetries;

    public MailDelivrer(DeliveryRegistry.Engine engine, ServerSelector selector, ServerHealth health,
                        MailDelivrerToServer delivrerToServer, DeliveryMetrics metrics, int maxDnsProblemRetries) {
        this.engine = engine;
        this.selector = selector;
        this.health = health;
        this.delivrerToServer = delivrerToServer;
        this.metrics = metrics;
        this.maxDnsProblemRetries = maxDnsProblemRetries;
    }

    public DeliveryReport deliver(Mail mail) {
        Map<MailAddress, Outcome> outcomes = new LinkedHashMap<>();
        engine.router().group(mail.getRecipients()).forEach((target, recipients) -> {
            Map<MailAddress, Outcome> groupOutcomes = deliver(mail, target, recipients);
            count(target, groupOutcomes);
            outcomes.putAll(groupOutcomes);
        });
        return new DeliveryReport(outcomes);
    }

    private Map<MailAddress, Outcome> deliver(Mail mail, DeliveryTarget target, List<MailAddress> recipients) {
        Resolution resolution = engine.planner().plan(target);
        if (resolution instanceof Resolution.Planned) {
            RoutePlan plan = ((Resolution.Planned) resolution).plan();
            engine.recentPlans().used(plan);
            TimeMetric timer = metrics.startAttempt(plan);
            try {
                return deliver(mail, plan, recipients);
            } finally {
                timer.stopAndPublish();
            }
        }
        Resolution.Unresolvable unresolvable = (Resolution.Unresolvable) resolution;
        Outcome outcome = outcomeOf(unresolvable, DeliveryRetriesHelper.retrieveRetries(mail));
        // Waiting a moment for the plan another message is making is no attempt: not logged as one.
        boolean waiting = unresolvable.consequence() == Resolution.Consequence.WAIT;
        String outcomeName = waiting ? "waiting" : name(outcome);
        MDCStructuredLogger.forLogger(LOGGER)
            .field("mail", mail.getName())
            .field("route", target.describe())
            .field("outcome", outcomeName)
            .field("reply", unresolvable.status().diagnostic())
            .log(logger -> infoUnless(waiting, logger, "Mail {} for {} via {}: {} ({} {})", mail.getName(), recipients,
                target.describe(), outcomeName, unresolvable.status().status(), unresolvable.status().diagnostic()));
        return recipients.stream().collect(Collectors.toMap(recipient -> recipient, any -> outcome, (a, b) -> a, LinkedHashMap::new));
    }

    private Outcome outcomeOf(Resolution.Unresolvable unresolvable, int retries) {
        switch (unresolvable.consequence()) {
            case BOUNCE_NOW:
                return new Outcome.Bounced(unresolvable.status());
            case BOUNCE_AFTER_DNS_RETRIES:
                // Stock semantics: a name without address bounces once the mail was retried maxDnsProblemRetries times.
                return retries >= maxDnsProblemRetries
                    ? new Outcome.Bounced(unresolvable.status())
                    : new Outcome.Deferred(unresolvable.status());
            case WAIT:
                return new Outcome.Deferred(unresolvable.status(), true);
            default:
                return new Outcome.Deferred(unresolvable.status());
        }
    }

    /**
     * Server by server in the selector's order until every recipient has a final answer. A recipient refused with 4xx
     * at RCPT stays with the servers of that tier (SPEC); any other temporary failure moves on to the next server.
     */
    private Map<MailAddress, Outcome> deliver(Mail mail, RoutePlan plan, List<MailAddress> recipients) {
        Map<MailAddress, Outcome> outcomes = new LinkedHashMap<>();
        Map<MailAddress, RecipientStatus> lastFailure = new HashMap<>();
        Map<MailAddress, Integer> boundToTier = new HashMap<>();
        Set<MailAddress> metBusyServer = new HashSet<>();
        List<MailAddress> pending = new ArrayList<>(recipients);
        int selfTier = selfTier(plan);
        Deque<Candidate> order = new ArrayDeque<>(selector.candidates(plan));
        while (!order.isEmpty()) {
            Candidate candidate = order.poll();
            if (candidate.tierIndex() >= selfTier) {
                // RFC 5321 5.1: this James is an MX of the domain: only MX hosts preferred to it may take the mail.
                if (candidate.probe()) {
                    health.probeNotMade(candidate.server());
                }
                continue;
            }
            Optional<Candidate> downSince = selector.wentDown(candidate);
            if (downSince.isPresent()) {
                order.addLast(downSince.get());
                continue;
            }
            List<MailAddress> eligible = pending.stream()
                .filter(recipient -> boundToTier.getOrDefault(recipient, candidate.tierIndex()) == candidate.tierIndex())
                .collect(Collectors.toList());
            if (eligible.isEmpty()) {
                if (candidate.probe()) {
                    health.probeNotMade(candidate.server());
                }
                continue;
            }
            Server server = candidate.server();
            AttemptResult attempt = engine.ownListeners().isOwn(server.address())
                ? loop(plan, server, eligible)
                : delivrerToServer.attempt(mail, eligible, server, plan, downBecause(candidate));
            remember(plan, candidate, attempt);
            audit(mail, plan, candidate, attempt);
            attempt.results().forEach((recipient, result) -> {
                switch (result.verdict()) {
                    case DELIVERED:
                        outcomes.put(recipient, new Outcome.Delivered(server, result.status()));
                        pending.remove(recipient);
                        break;
                    case REJECTED:
                        outcomes.put(recipient, new Outcome.Bounced(result.status()));
                        pending.remove(recipient);
                        break;
                    case RECIPIENT_DEFERRED:
                        boundToTier.put(recipient, candidate.tierIndex());
                        lastFailure.put(recipient, result.status());
                        break;
                    case SERVER_BUSY:
                        metBusyServer.add(recipient);
                        lastFailure.put(recipient, result.status());
                        break;
                    default:
                        lastFailure.put(recipient, result.status());
                }
            });
        }
        if (selfTier == 0 && !pending.isEmpty()) {
            Outcome loop = loopsBackToMyself(plan);
            pending.forEach(recipient -> outcomes.put(recipient, loop));
            return outcomes;
        }
        pending.forEach(recipient -> outcomes.put(recipient, new Outcome.Deferred(lastFailure.getOrDefault(recipient,
            RecipientStatus.of("4.4.1", "no server of " + plan.describe() + " could be tried")), metBusyServer.contains(recipient))));
        return outcomes;
    }

    /**
     * For a plan made of MX records (a domain without a route, or a route's {@code mx="…"}): the index of the first
     * tier where this James itself listens, whose tier and the later ones RFC 5321 5.1 discards ("all records at that
     * preference level and higher-numbered ones MUST be discarded"); {@link Integer#MAX_VALUE} when there is none, or
     * when the route names its hosts (each own host is then skipped alone, the next one tried).
     */
    private int selfTier(RoutePlan plan) {
        boolean fromMx = plan.target() instanceof DeliveryTarget.DomainMx
            || plan.target() instanceof DeliveryTarget.Routed routed && routed.route().destination() instanceof Destination.MxOf;
        if (!fromMx) {
            return Integer.MAX_VALUE;
        }
        List<Tier> tiers = plan.tiers();
        for (int index = 0; index < tiers.size(); index++) {
            if (tiers.get(index).servers().stream().anyMatch(server -> engine.ownListeners().isOwn(server.address()))) {
                return index;
            }
        }
        return Integer.MAX_VALUE;
    }

    /**
     * RFC 5321 5.1: this James is the most preferred MX, so no record is left: "the message MUST be returned as
     * undeliverable" (Postfix: "mail for … loops back to myself", 5.4.6). A route's {@code mx="…"} is deferred as SPEC
     * asks for a route that leads to this James, so that the operator can fix it.
     */
    private static Outcome loopsBackToMyself(RoutePlan plan) {
        String text = "mail loop: this James is the most preferred server of " + plan.describe();
        if (plan.target() instanceof DeliveryTarget.DomainMx domain) {
            RecipientStatus status = RecipientStatus.of("5.4.6", text + ": mail for " + domain.domain()
                + " loops back to myself; make it a domain of this James, or fix its MX records");
            LOGGER.warn("TieredRemoteDelivery: {}", status.diagnostic());
            return new Outcome.Bounced(status);
        }
        RecipientStatus status = RecipientStatus.of("4.4.6", text + "; fix the route or the MX records it names");
        LOGGER.warn("TieredRemoteDelivery: {}", status.diagnostic());
        return new Outcome.Deferred(status);
    }

    /** For a server tried while down: the error that put it down. */
    private Optional<String> downBecause(Candidate candidate) {
        if (!candidate.down()) {
            return Optional.empty();
        }
        return Optional.of(health.status(candidate.server().address()).flatMap(ServerHealth.ServerStatus::lastError)
            .orElse(candidate.server().describe() + ": its last session failed"));
    }

    /** What the attempt tells about the server, for the health memory and the metrics. */
    private void remember(RoutePlan plan, Candidate candidate, AttemptResult attempt) {
        switch (attempt.condition()) {
            case RESPONDED:
                health.responded(attempt.server());
                int delivered = (int) attempt.results().values().stream().filter(result -> result.verdict() == Verdict.DELIVERED).count();
                if (delivered > 0) {
                    health.delivered(attempt.server(), delivered);
                    metrics.delivered(plan, attempt.server(), candidate.tierIndex(), delivered);
                }
                break;
            case FAILED:
                health.failed(attempt.server(), attempt.failure());
                metrics.serverFailed(attempt.server());
                break;
            default:
                break;
        }
    }

    /**
     * Mail that only waits a moment for a busy server or a route's plan goes back to the queue uncounted (see
     * {@link DeliveryReport#deferredOnlyForBusyServers()}): not a deferral for the metrics either.
     */
    private void count(DeliveryTarget target, Map<MailAddress, Outcome> outcomes) {
        long bounced = outcomes.values().stream().filter(Outcome.Bounced.class::isInstance).count();
        List<Outcome.Deferred> deferrals = outcomes.values().stream()
            .filter(Outcome.Deferred.class::isInstance)
            .map(Outcome.Deferred.class::cast)
            .collect(Collectors.toList());
        long deferred = deferrals.stream().allMatch(Outcome.Deferred::busyServerMet) ? 0 : deferrals.size();
        if (bounced > 0) {
            metrics.bounced(target, (int) bounced);
        }
        if (deferred > 0) {
            metrics.deferred(target, (int) deferred);
        }
    }

    private static AttemptResult loop(RoutePlan plan, Server server, List<MailAddress> recipients) {
        RecipientStatus status = RecipientStatus.of("4.4.6", "mail loop: " + plan.describe() + " resolves to " + server
            + ", where this James' own SMTP server listens; fix the route");
        LOGGER.warn("TieredRemoteDelivery: {}", status.diagnostic());
        return AttemptResult.same(server, recipients, new RecipientResult(Verdict.SERVER_FAILED, status),
            AttemptResult.ServerCondition.NOT_ASSESSED);
    }

    /** One line per attempt, its facts also in the MDC (James' convention) for structured logging. */
    private static void audit(Mail mail, RoutePlan plan, Candidate candidate, AttemptResult attempt) {
        if (!LOGGER.isInfoEnabled()) {
            return;
        }
        Map<Verdict, List<MailAddress>> byVerdict = new EnumMap<>(Verdict.class);
        Map<Verdict, RecipientStatus> statusByVerdict = new EnumMap<>(Verdict.class);
        for (Map.Entry<MailAddress, RecipientResult> entry : attempt.results().entrySet()) {
            RecipientResult result = entry.getValue();
            byVerdict.computeIfAbsent(result.verdict(), any -> new ArrayList<>()).add(entry.getKey());
            statusByVerdict.putIfAbsent(result.verdict(), result.status());
        }
        // The reply in the MDC: that of the first verdict other than delivered, else the delivery's.
        RecipientStatus status = statusByVerdict.entrySet().stream()
            .filter(entry -> entry.getKey() != Verdict.DELIVERED)
            .map(Map.Entry::getValue)
            .findFirst()
            .orElse(statusByVerdict.get(Verdict.DELIVERED));
        StringBuilder text = new StringBuilder();
        StringBuilder textWithReplies = new StringBuilder();
        byVerdict.forEach((verdict, recipients) -> {
            String separator = text.length() == 0 ? "" : "; ";
            text.append(separator).append(name(verdict)).append(' ').append(recipients);
            RecipientStatus reply = statusByVerdict.get(verdict);
            textWithReplies.append(separator).append(name(verdict)).append(' ').append(recipients)
                .append(" (").append(reply.status()).append(' ').append(reply.diagnostic()).append(')');
        });
        String outcome = text.toString();
        // A server that was only busy was not tried: its thousands of such lines under a backlog go to DEBUG.
        boolean onlyBusy = byVerdict.keySet().equals(Set.of(Verdict.SERVER_BUSY));
        Server server = attempt.server();
        MDCStructuredLogger.forLogger(LOGGER)
            .field("mail", mail.getName())
            .field("route", plan.describe())
            .field("tier", String.valueOf(candidate.tier().preference()))
            .field("server", server.hostname())
            .field("address", InetAddresses.toUriString(server.address().getAddress()) + ":" + server.address().getPort())
            .field("outcome", outcome)
            .field("reply", status.diagnostic())
            .log(logger -> infoUnless(onlyBusy, logger, "Mail {} via {}, tier {}, server {}: {}", mail.getName(),
                plan.describe(), candidate.tier().preference(), server, textWithReplies));
    }

    /** At INFO, or at DEBUG when the line tells of no real attempt (a wait for a busy server or a route's plan). */
    private static void infoUnless(boolean noAttempt, Logger logger, String line, Object... arguments) {
        if (noAttempt) {
            logger.debug(line, arguments);
        } else {
            logger.info(line, arguments);
        }
    }

    private static String name(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    private static String name(Outcome outcome) {
        return outcome.getClass().getSimpleName().toLowerCase(Locale.ROOT);
    }
}
