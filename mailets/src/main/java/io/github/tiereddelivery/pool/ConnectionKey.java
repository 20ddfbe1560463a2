package io.github.tiereddelivery.pool;

import static java.util.Objects.requireNonNull;

import java.net.InetSocketAddress;

import io.github.tiereddelivery.smtp.SmtpClientSettings;

/**
 * What makes an SMTP session: the server's address and port, the name it is known by (TLS server name and certificate
 * check) and every setting of the client (HELO name, bind address, TLS policy and trust, AUTH credentials, timeouts).
 * A pooled connection carries only the mail of an equal key, so it keeps its TLS and AUTH state: mail of a route with
 * {@code tls="required"} or {@code auth} never travels on a session opened for another route.
 */
public record ConnectionKey(InetSocketAddress address, String serverName, SmtpClientSettings settings) {
    public ConnectionKey {
        requireNonNull(address, "address");
        requireNonNull(serverName, "serverName");
        requireNonNull(settings, "settings");
    }
}
