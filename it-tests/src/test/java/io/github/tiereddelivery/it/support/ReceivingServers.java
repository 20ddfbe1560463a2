package io.github.tiereddelivery.it.support;

import java.io.IOException;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.awaitility.Awaitility;

import io.github.tiereddelivery.testing.Behaviour;
import io.github.tiereddelivery.testing.ReceivedMessage;
import io.github.tiereddelivery.testing.ReceivingSmtpServer;

/**
 * Named receiving SMTP servers, each on its own loopback address (127.0.0.2, 127.0.0.3, …: distinct hosts to the
 * mailet) and all on the same port, which the scenario gives the mailet as {@code defaultPort}.
 */
public final class ReceivingServers implements AutoCloseable {
    private static final int PORT_ATTEMPTS = 5;

    private final Map<String, ReceivingSmtpServer> servers;
    private final int port;

    private ReceivingServers(Map<String, ReceivingSmtpServer> servers, int port) {
        this.servers = servers;
        this.port = port;
    }

    /** @param addresses server name to loopback address, e.g. "primary" → "127.0.0.2" */
    public static ReceivingServers start(Map<String, String> addresses) throws IOException {
        IOException last = null;
        for (int attempt = 0; attempt < PORT_ATTEMPTS; attempt++) {
            Map<String, ReceivingSmtpServer> started = new LinkedHashMap<>();
            try {
                int port = 0;
                for (Map.Entry<String, String> entry : addresses.entrySet()) {
                    ReceivingSmtpServer server = ReceivingSmtpServer.start(entry.getValue(), port);
                    started.put(entry.getKey(), server);
                    port = server.port();
                }
                return new ReceivingServers(started, port);
            } catch (IOException e) {
                // The port the first server got is taken on another address: start over with a new one.
                started.values().forEach(ReceivingSmtpServer::close);
                last = e;
            }
        }
        throw last;
    }

    public ReceivingSmtpServer get(String name) {
        ReceivingSmtpServer server = servers.get(name);
        if (server == null) {
            throw new IllegalArgumentException("no server named " + name + "; servers are " + servers.keySet());
        }
        return server;
    }

    public int port() {
        return port;
    }

    /** Messages received per server name. */
    public Map<String, Integer> counts() {
        Map<String, Integer> counts = new LinkedHashMap<>();
        servers.forEach((name, server) -> counts.put(name, server.messageCount()));
        return counts;
    }

    public int total(Collection<String> names) {
        return names.stream().mapToInt(name -> get(name).messageCount()).sum();
    }

    public List<ReceivedMessage> messages(Collection<String> names) {
        return names.stream().flatMap(name -> get(name).messages().stream()).collect(Collectors.toList());
    }

    public void awaitTotal(int count, Collection<String> names, Duration timeout) {
        Awaitility.await().atMost(timeout).pollInterval(Duration.ofMillis(50))
            .until(() -> total(names) >= count);
    }

    /**
     * Every server listening again, behaving normally, with nothing recorded and no connection open: the sessions
     * James keeps open between messages end, as on a server's idle timeout, so that no test inherits a session that
     * began under another test's behaviour.
     */
    public void reset() throws IOException {
        for (ReceivingSmtpServer server : servers.values()) {
            server.behave(Behaviour.normal());
            if (!server.isRunning()) {
                server.restart();
            }
            server.closeConnections();
            server.clear();
        }
    }

    public Collection<String> names() {
        return servers.keySet();
    }

    @Override
    public void close() {
        servers.values().forEach(ReceivingSmtpServer::close);
    }
}
