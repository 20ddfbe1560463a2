package io.github.tiereddelivery.delivery;

/**
 * A server in the order of one attempt, with the tier it belongs to (0 = the lowest preference).
 *
 * @param availability what the health memory said when the order was made: {@link ServerHealth.Availability#PROBE}
 *                     is this attempt's right to probe a server whose down interval ended (an attempt that does not
 *                     reach it gives the probe back); {@link ServerHealth.Availability#DOWN}: tried last, one message
 *                     at a time
 */
public record Candidate(int tierIndex, Tier tier, Server server, ServerHealth.Availability availability) {

    public boolean probe() {
        return availability == ServerHealth.Availability.PROBE;
    }

    public boolean down() {
        return availability == ServerHealth.Availability.DOWN;
    }
}
