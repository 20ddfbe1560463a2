package io.github.tiereddelivery.webadmin;

import java.time.Instant;
import java.util.Optional;

import io.github.tiereddelivery.delivery.ServerHealth;

/**
 * A server address as WebAdmin shows its health: {@code up}, or {@code down} until {@code downUntil} (tried after
 * every healthy server until then), with the last error it gave.
 */
record ServerState(String state, Optional<Instant> downUntil, Optional<String> lastError) {
    static final String UP = "up";
    static final String DOWN = "down";

    /** @param status what the health memory knows of the server; empty = never seen failing */
    static ServerState of(Optional<ServerHealth.ServerStatus> status, Instant now) {
        Optional<Instant> downUntil = status.flatMap(ServerHealth.ServerStatus::downUntil).filter(now::isBefore);
        return new ServerState(downUntil.isPresent() ? DOWN : UP, downUntil, status.flatMap(ServerHealth.ServerStatus::lastError));
    }
}
