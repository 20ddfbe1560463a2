package io.github.tiereddelivery.smtp;

import java.io.IOException;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.regex.Pattern;
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
    /** "sun.security.validator.ValidatorException: " and the like, inside the JDK's messages. */
    private static final Pattern JAVA_CLASS_PREFIX = Pattern.compile("(?:[a-z][\\w$]*\\.)+[A-Z][\\w$]*(?:Exception|Error): ");

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

    /**
     * Why a handshake failed, in words for a bounce and a log line rather than the JDK's exception chain
     * ("PKIX path building failed: sun.security.provider.certpath.SunCertPathBuilderException: …"), as Postfix says
     * "Server certificate not trusted".
     */
    /**
     * The handshake failed because this client refused the server's certificate (expired, not yet valid, not trusted,
     * not naming the host): the server is up, another name or trust setting may well accept it.
     */
    static boolean isCertificateRefused(IOException failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof CertificateException || cause instanceof CertPathBuilderException
                    || cause instanceof CertPathValidatorException) {
                return true;
            }
        }
        return false;
    }

    static String describeFailure(IOException failure, String serverName) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof CertificateExpiredException) {
                return "the server's certificate has expired";
            }
            if (cause instanceof CertificateNotYetValidException) {
                return "the server's certificate is not valid yet";
            }
            if (cause instanceof CertPathBuilderException || cause instanceof CertPathValidatorException) {
                return "the server's certificate is not trusted (no chain to a trusted authority: self-signed, or an"
                    + " intermediate certificate missing); a private authority can be trusted with the mailet's trustStore";
            }
            if (cause instanceof CertificateException && String.valueOf(cause.getMessage()).startsWith("No ")) {
                // The JDK's host name check: "No subject alternative DNS name matching … found." and the like.
                return "the server's certificate does not name " + serverName;
            }
        }
        return JAVA_CLASS_PREFIX.matcher(String.valueOf(failure.getMessage())).replaceAll("");
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
