package io.github.tiereddelivery.webadmin;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The answer of {@code GET /delivery-routes/resolve?recipient=…}: where a mail to the recipient would go now, and why.
 *
 * @param matchedBy  {@code recipient}, {@code domain}, {@code suffix}, {@code default} (a route of the file),
 *                   {@code gateway} (the mailet's gateway parameter) or {@code mx} (the MX records of the recipient domain)
 * @param why        the same in words
 * @param target     how the delivery log names it, e.g. {@code route acme.test (line 3)} or {@code MX of acme.test}
 * @param line       the route's line in the routes file
 * @param route      the route, as {@code GET /delivery-routes} shows it
 * @param tiers      the servers in the order they are tried, tier by tier (lowest preference first)
 * @param unresolved the names that gave no server, and why; the others are used
 * @param problem    why no server can be tried, when none can
 */
@JsonInclude(JsonInclude.Include.NON_ABSENT)
public record DryRunReport(String recipient, String matchedBy, String why, String target, Optional<Integer> line,
                           Optional<RouteBody> route, List<TierReport> tiers, List<String> unresolved,
                           Optional<ProblemReport> problem) {

    /** The servers of one preference, balanced among themselves. */
    public record TierReport(int preference, List<ServerReport> servers) {
    }

    /** A name the route or an MX record gives, with the addresses it resolved to (each one a server). */
    public record ServerReport(String hostname, int port, List<AddressReport> addresses) {
    }

    /**
     * @param loop whether this James itself listens there: such a server is never sent to (mail loop)
     */
    @JsonInclude(JsonInclude.Include.NON_ABSENT)
    public record AddressReport(String address, String state, Optional<Instant> downUntil, Optional<String> lastError,
                                boolean loop) {
    }

    /**
     * @param status      the RFC 3463 status the recipients would get, e.g. {@code 4.4.3}
     * @param consequence {@code defer} (retried later), {@code bounce-now}, or {@code bounce-after-dns-retries}
     *                    (bounced once the mail was retried {@code maxDnsProblemRetries} times)
     */
    public record ProblemReport(String status, String reason, String consequence) {
    }
}
