package io.github.tiereddelivery.delivery;

/**
 * A server in the order of one attempt, with the tier it belongs to (0 = the lowest preference).
 *
 * @param probe whether this attempt was granted the probe of a server whose down interval ended
 *              ({@link ServerHealth.Availability#PROBE}); an attempt that does not reach it gives the probe back
 */
public record Candidate(int tierIndex, Tier tier, Server server, boolean probe) {
}
