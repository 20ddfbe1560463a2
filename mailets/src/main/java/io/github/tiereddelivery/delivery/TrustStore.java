package io.github.tiereddelivery.delivery;

import java.io.File;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The {@code trustStore} parameter: the certificates verified TLS accepts (tls="required", sslEnable), instead of the
 * JVM's default ones — e.g. a customer's private CA or a self-signed server certificate.
 */
public final class TrustStore {

    private TrustStore() {
    }

    public static SSLContext load(File file, String password) throws InvalidParameterException {
        try {
            // The type (PKCS12, JKS) is detected from the content.
            KeyStore certificates = KeyStore.getInstance(file, password.toCharArray());
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(certificates);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context;
        } catch (IOException | GeneralSecurityException | IllegalArgumentException e) {
            throw ParameterReader.invalid("trustStore", file.getPath(), "it cannot be read as a PKCS12 or JKS key store ("
                + e.getMessage() + "); check the file and <trustStorePassword>");
        }
    }
}
