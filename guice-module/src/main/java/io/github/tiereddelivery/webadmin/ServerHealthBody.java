package io.github.tiereddelivery.webadmin;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.google.common.net.InetAddresses;

import io.github.tiereddelivery.delivery.ServerHealth;

/**
 * One server (an address and port) of {@code GET /delivery-routes/health}: the names it was reached by ({@code hostname}
 * the last one), its state ({@code up}, or {@code down} until {@code downUntil}), its last error, and what it did since
 * James started (sessions held, sessions failed, recipients delivered).
 */
@JsonInclude(JsonInclude.Include.NON_ABSENT)
public record ServerHealthBody(String hostname, List<String> hostnames, String address, int port, String state, Optional<Instant> downUntil,
                               int consecutiveFailures, Optional<String> lastError, Optional<Instant> lastErrorAt,
                               long sessions, long failures, long deliveredRecipients, Instant lastSeen) {

    static ServerHealthBody of(ServerHealth.ServerStatus status, Instant now) {
        ServerState state = ServerState.of(Optional.of(status), now);
        return new ServerHealthBody(status.hostname(), status.hostnames(), InetAddresses.toAddrString(status.address().getAddress()),
            status.address().getPort(), state.state(), state.downUntil(), status.consecutiveFailures(), status.lastError(),
            status.lastErrorAt(), status.sessions(), status.failures(), status.deliveredRecipients(), status.lastSeen());
    }
}
