package io.github.tiereddelivery.delivery;

/** A server in the order of one attempt, with the tier it belongs to (0 = the lowest preference). */
public record Candidate(int tierIndex, Tier tier, Server server) {
}
