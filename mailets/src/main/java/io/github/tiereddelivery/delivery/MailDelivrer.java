package io.github.tiereddelivery.delivery;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

import org.apache.james.core.MailAddress;
import org.apache.james.transport.mailets.remote.delivery.DeliveryRetriesHelper;
import org.apache.mailet.Mail;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.github.tiereddelivery.dsn.RecipientStatus;

/**
 * One delivery attempt of a queued mail: recipients grouped by target, each target resolved into tiers, servers tried
 * tier by tier as SPEC "Delivery behaviour" says. Decides nothing about retries or bounces beyond this attempt.
 */
public class MailDelivrer {
    private static final Logger LOGGER = LoggerFactory.getLogger(MailDelivrer.class);

    private final Router router;
    private final RoutePlanner planner;
    private final ServerSelector selector;
    private final ServerHealth health;
    private final MailDelivrerToServer delivrerToServer;
    private final OwnListeners ownListeners;
    private final int maxDnsProblemRetries;

    public MailDelivrer(Router router, RoutePlanner planner, ServerSelector selector, ServerHealth health,
                        MailDelivrerToServer delivrerToServer, OwnListeners ownListeners, int maxDnsProblemRetries) {
        this.router = router;
        this.planner = planner;
        this.selector = selector;
        this.health = health;
        this.delivrerToServer = delivrerToServer;
        this.ownListeners = ownListeners;
        this.maxDnsProblemRetries = maxDnsProblemRetries;
    }

    public DeliveryReport deliver(Mail mail) {
        Map<MailAddress, Outcome> outcomes = new LinkedHashMap<>();
        router.group(mail.getRecipients()).forEach((target, recipients) ->
            outcomes.putAll(deliver(mail, target, recipients)));
        return new DeliveryReport(outcomes);
    }

    private Map<MailAddress, Outcome> deliver(Mail mail, DeliveryTarget target, List<MailAddress> recipients) {
        Resolution resolution = planner.plan(target);
        if (resolution instanceof Resolution.Planned) {
            return deliver(mail, ((Resolution.Planned) resolution).plan(), recipients);
        }
        Resolution.Unresolvable unresolvable = (Resolution.Unresolvable) resolution;
        Outcome outcome = outcomeOf(unresolvable, DeliveryRetriesHelper.retrieveRetries(mail));
        LOGGER.info("Mail {} for {} via {}: {} ({})", mail.getName(), recipients, target.describe(),
            outcome.getClass().getSimpleName().toLowerCase(Locale.ROOT), unresolvable.status().diagnostic());
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
        List<MailAddress> pending = new ArrayList<>(recipients);
        for (Candidate candidate : selector.candidates(plan)) {
            if (pending.isEmpty()) {
                break;
            }
            List<MailAddress> eligible = pending.stream()
                .filter(recipient -> boundToTier.getOrDefault(recipient, candidate.tierIndex()) == candidate.tierIndex())
                .collect(Collectors.toList());
            if (eligible.isEmpty()) {
                continue;
            }
            Server server = candidate.server();
            AttemptResult attempt = ownListeners.isOwn(server.address())
                ? loop(plan, server, eligible)
                : delivrerToServer.attempt(mail, eligible, server, plan);
            remember(attempt);
            log(mail, plan, candidate.tier(), attempt);
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
                    default:
                        lastFailure.put(recipient, result.status());
                }
            });
        }
        pending.forEach(recipient -> outcomes.put(recipient, new Outcome.Deferred(lastFailure.getOrDefault(recipient,
            RecipientStatus.of("4.4.1", "no server of " + plan.describe() + " could be tried")))));
        return outcomes;
    }

    private void remember(AttemptResult attempt) {
        switch (attempt.condition()) {
            case RESPONDED:
                health.responded(attempt.server());
                int delivered = (int) attempt.results().values().stream().filter(result -> result.verdict() == Verdict.DELIVERED).count();
                if (delivered > 0) {
                    health.delivered(attempt.server(), delivered);
                }
                break;
            case FAILED:
                health.failed(attempt.server(), attempt.failure());
                break;
            default:
                break;
        }
    }

    private static AttemptResult loop(RoutePlan plan, Server server, List<MailAddress> recipients) {
        RecipientStatus status = RecipientStatus.of("4.4.6", "mail loop: " + plan.describe() + " resolves to " + server
            + ", where this James' own SMTP server listens; fix the route");
        LOGGER.warn("TieredRemoteDelivery: {}", status.diagnostic());
        return AttemptResult.same(server, recipients, new RecipientResult(Verdict.SERVER_FAILED, status),
            AttemptResult.ServerCondition.NOT_ASSESSED);
    }

    private static void log(Mail mail, RoutePlan plan, Tier tier, AttemptResult attempt) {
        attempt.results().entrySet().stream()
            .collect(Collectors.groupingBy(entry -> entry.getValue(), LinkedHashMap::new,
                Collectors.mapping(Map.Entry::getKey, Collectors.toList())))
            .forEach((result, recipients) -> LOGGER.info("Mail {} for {} via {}, tier {}, server {}: {} ({} {})",
                mail.getName(), recipients, plan.describe(), tier.preference(), attempt.server(),
                result.verdict().name().toLowerCase(Locale.ROOT), result.status().status(), result.status().diagnostic()));
    }
}
