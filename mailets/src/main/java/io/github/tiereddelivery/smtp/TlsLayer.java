package io.github.tiereddelivery.smtp;

import java.io.IOException;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;

/** Puts TLS on a connected socket (STARTTLS, RFC 3207, or implicit TLS, RFC 8314) and runs the handshake. */
final class TlsLayer {

    private TlsLayer() {
    }

    /**
     * Layers TLS over {@code plain} and completes the handshake. With certificate and host name verification the
     * server name is checked against the certificate (RFC 6125 rules as for HTTPS); a host name is also sent as SNI.
     */
    static SSLSocket handshake(Socket plain, String serverName, SmtpClientSettings settings) throws IOException {
        boolean hostName = AddressLiteral.parse(serverName).isEmpty();
        String peerHost = hostName ? serverName : plain.getInetAddress().getHostAddress();
        SSLSocket tls = (SSLSocket) context(settings).getSocketFactory()
            .createSocket(plain, peerHost, plain.getPort(), true);
        SSLParameters parameters = tls.getSSLParameters();
        parameters.setServerNames(hostName ? List.of(new SNIHostName(serverName)) : List.of());
        if (settings.verifyCertificates() && settings.verifyHostName()) {
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
        }
        tls.setSSLParameters(parameters);
        tls.setUseClientMode(true);
        tls.startHandshake();
        return tls;
    }

    private static SSLContext context(SmtpClientSettings settings) throws SSLException {
        try {
            if (!settings.verifyCertificates()) {
                return AcceptAnyCertificate.CONTEXT;
            }
            return settings.sslContext().isPresent() ? settings.sslContext().get() : SSLContext.getDefault();
        } catch (GeneralSecurityException e) {
            throw new SSLException("no TLS context available: " + e.getMessage(), e);
        }
    }

    /** Trusts every certificate: encryption without authentication, for {@code verifyCertificates=false}. */
    private static final class AcceptAnyCertificate extends X509ExtendedTrustManager {
        static final SSLContext CONTEXT = createContext();

        private static SSLContext createContext() {
            try {
                SSLContext context = SSLContext.getInstance("TLS");
                context.init(null, new TrustManager[] {new AcceptAnyCertificate()}, null);
                return context;
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("this JVM cannot create a TLS context", e);
            }
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
