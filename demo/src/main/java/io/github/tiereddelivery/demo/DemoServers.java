package io.github.tiereddelivery.demo;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import io.github.tiereddelivery.testing.ReceivingSmtpServer;

/**
 * The receiving SMTP servers of {@code ./run.sh}, each on its own loopback address (on Linux every 127.x.y.z is
 * this machine): {@value #DOMAIN} is routed to two balanced servers (tier 1) and a backup (tier 2); every other
 * domain to a catch-all server, so that no mail leaves this machine.
 */
public final class DemoServers implements AutoCloseable {
    public static final String DOMAIN = "demo.test";

    /** Where a server sits in the routes file. */
    public enum Tier {
        ONE("tier 1", 10),
        TWO("tier 2", 20),
        CATCH_ALL("other domains", 10);

        private final String label;
        private final int preference;

        Tier(String label, int preference) {
            this.label = label;
            this.preference = preference;
        }

        public String label() {
            return label;
        }
    }

    /** One server and its tier. */
    public record DemoServer(Tier tier, ReceivingSmtpServer server) {
        /** "127.0.0.2:2500" */
        public String name() {
            return server.toString();
        }

        String routesHost() {
            return "<host preference=\"" + tier.preference + "\">[" + server.address().getHostAddress() + "]:"
                + server.port() + "</host>";
        }
    }

    private record Placement(String address, Tier tier) {
    }

    private static final List<Placement> PLACEMENTS = List.of(
        new Placement("127.0.0.2", Tier.ONE),
        new Placement("127.0.0.3", Tier.ONE),
        new Placement("127.0.0.4", Tier.TWO),
        new Placement("127.0.0.5", Tier.CATCH_ALL));

    private final List<DemoServer> servers;

    private DemoServers(List<DemoServer> servers) {
        this.servers = List.copyOf(servers);
    }

    /** Starts every server on {@code preferredPort} of its address, or on a free port where that one is taken. */
    public static DemoServers start(int preferredPort) throws IOException {
        List<DemoServer> started = new ArrayList<>();
        try {
            for (Placement placement : PLACEMENTS) {
                started.add(new DemoServer(placement.tier(), startOn(placement.address(), preferredPort)));
            }
        } catch (IOException | RuntimeException e) {
            started.forEach(demoServer -> demoServer.server().close());
            throw e;
        }
        return new DemoServers(started);
    }

    private static ReceivingSmtpServer startOn(String address, int preferredPort) throws IOException {
        try {
            return ReceivingSmtpServer.start(address, preferredPort);
        } catch (IOException taken) {
            if (preferredPort == 0) {
                throw taken;
            }
            return ReceivingSmtpServer.start(address, 0);
        }
    }

    public List<DemoServer> all() {
        return servers;
    }

    public List<DemoServer> tier1() {
        return servers.stream().filter(server -> server.tier() == Tier.ONE).collect(Collectors.toList());
    }

    /** The routes file that points James at these servers. */
    public String routesXml() {
        StringBuilder xml = new StringBuilder("<delivery-routes>\n")
            .append("    <!-- ").append(DOMAIN).append(": two balanced servers, then a backup tier. -->\n")
            .append("    <route domain=\"").append(DOMAIN).append("\">\n");
        servers.stream().filter(server -> server.tier() != Tier.CATCH_ALL)
            .forEach(server -> xml.append("        ").append(server.routesHost()).append('\n'));
        xml.append("    </route>\n")
            .append("    <!-- Every other domain: the local catch-all server, so that nothing leaves this machine. -->\n")
            .append("    <route domain=\"*\">\n");
        servers.stream().filter(server -> server.tier() == Tier.CATCH_ALL)
            .forEach(server -> xml.append("        ").append(server.routesHost()).append('\n'));
        return xml.append("    </route>\n</delivery-routes>\n").toString();
    }

    /** Stops listening on the tier-1 servers: James' connections are refused. */
    public void stopTier1() {
        tier1().forEach(server -> server.server().stop());
    }

    public void restartTier1() throws IOException {
        for (DemoServer server : tier1()) {
            server.server().restart();
        }
    }

    @Override
    public void close() {
        servers.forEach(server -> server.server().close());
    }
}
