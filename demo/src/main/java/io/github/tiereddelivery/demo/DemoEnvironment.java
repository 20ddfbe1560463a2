package io.github.tiereddelivery.demo;

import java.io.IOException;
import java.nio.file.Path;

/** What {@code ./run.sh} starts: the receiving servers and, routed to them, James with the extension. */
public final class DemoEnvironment implements AutoCloseable {
    private static final String LOOPBACK = "127.0.0.1";

    /** The ports asked for; each one taken already is replaced by a free one. 0: a free one. */
    public record Ports(int smtp, int webAdmin, int receivingServers) {
        /** Above 1023 (no root needed), and not James' own defaults 25 and 8000 (a James may run here already). */
        public static final Ports PREFERRED = new Ports(2525, 8025, 2500);
        public static final Ports ANY_FREE = new Ports(0, 0, 0);
    }

    private final DemoServers servers;
    private final JamesProcess james;

    private DemoEnvironment(DemoServers servers, JamesProcess james) {
        this.servers = servers;
        this.james = james;
    }

    /**
     * Starts the servers, then James (see {@link JamesProcess.Builder#start()}): SMTP and WebAdmin on 127.0.0.1,
     * the routes of {@link DemoServers#routesXml()}.
     */
    public static DemoEnvironment start(JamesInstallation installation, Path confSource, Path workingDirectory,
                                        Ports ports) throws IOException {
        DemoServers servers = DemoServers.start(ports.receivingServers());
        try {
            JamesProcess james = JamesProcess.builder(installation, confSource, workingDirectory)
                .smtp(LOOPBACK, FreePort.preferredOrFree(LOOPBACK, ports.smtp()).getPort())
                .webAdmin(LOOPBACK, FreePort.preferredOrFree(LOOPBACK, ports.webAdmin()).getPort())
                .routesXml(servers.routesXml())
                .start();
            return new DemoEnvironment(servers, james);
        } catch (IOException | RuntimeException e) {
            servers.close();
            throw e;
        }
    }

    public DemoServers servers() {
        return servers;
    }

    public JamesProcess james() {
        return james;
    }

    /** Stops James first (no delivery attempt meets a stopped server), then the servers. */
    @Override
    public void close() {
        try {
            james.stop();
        } finally {
            servers.close();
        }
    }
}
