package io.github.tiereddelivery.delivery;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

/**
 * The order in which the servers of one tier are tried for one attempt. The first server gets the mail when it is up,
 * so the distribution of first places is the share each server receives.
 */
public class Balancer {
    /** Round-robin position per target and tier; bounded by the number of round-robin routes times their tiers. */
    private final Map<String, AtomicLong> positions = new ConcurrentHashMap<>();

    public List<Server> order(RoutePlan plan, Tier tier) {
        List<Server> servers = tier.servers();
        if (servers.size() < 2) {
            return servers;
        }
        switch (plan.balancing()) {
            case ROUND_ROBIN:
                return rotate(servers, positions
                    .computeIfAbsent(plan.target().key() + "#" + tier.preference(), any -> new AtomicLong())
                    .getAndIncrement());
            case WEIGHTED:
                return weightedShuffle(servers);
            default:
                // RFC 5321 section 5.1: equal preferences are randomized to spread the load.
                List<Server> shuffled = new ArrayList<>(servers);
                Collections.shuffle(shuffled, ThreadLocalRandom.current());
                return shuffled;
        }
    }

    private static List<Server> rotate(List<Server> servers, long position) {
        List<Server> rotated = new ArrayList<>(servers);
        Collections.rotate(rotated, -(int) (position % servers.size()));
        return rotated;
    }

    /**
     * Weighted random order without replacement (Efraimidis and Spirakis): each server draws -ln(u)/weight and the
     * smallest goes first, so a server is first with probability weight / total weight.
     */
    private static List<Server> weightedShuffle(List<Server> servers) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        return servers.stream()
            .map(server -> Map.entry(-Math.log(1 - random.nextDouble()) / server.weight(), server))
            .sorted(Map.Entry.comparingByKey(Comparator.naturalOrder()))
            .map(Map.Entry::getValue)
            .collect(Collectors.toList());
    }
}
