package io.github.tiereddelivery.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * A self-signed certificate for a test SMTP server, made by the JDK's keytool: the server's SSLContext, and a trust
 * store (PKCS12) holding only that certificate, for a client that is told to trust it.
 */
public final class TestCertificates {
    public static final String PASSWORD = "changeit";

    private final Path keyStore;
    private final Path trustStore;

    private TestCertificates(Path keyStore, Path trustStore) {
        this.keyStore = keyStore;
        this.trustStore = trustStore;
    }

    /** {@link #selfSigned} for a static field: a failure of keytool is an {@link IllegalStateException}. */
    public static TestCertificates forHost(String hostName) {
        try {
            return selfSigned(hostName);
        } catch (IOException e) {
            throw new IllegalStateException("keytool could not make a test certificate for " + hostName, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while keytool made a test certificate for " + hostName, e);
        }
    }

    /** A new key pair and certificate for {@code hostName} (also valid for 127.0.0.0/8 addresses given as IP SANs). */
    public static TestCertificates selfSigned(String hostName, String... ipAddresses) throws IOException, InterruptedException {
        Path directory = Files.createTempDirectory("test-certificates-");
        Path keyStore = directory.resolve("server.p12");
        Path certificate = directory.resolve("server.cer");
        Path trustStore = directory.resolve("trust.p12");
        // Gone when the test JVM ends (deleteOnExit deletes in reverse order: the files, then their folder).
        for (Path path : List.of(directory, keyStore, certificate, trustStore)) {
            path.toFile().deleteOnExit();
        }
        StringBuilder san = new StringBuilder("SAN=dns:" + hostName);
        for (String ip : ipAddresses) {
            san.append(",ip:").append(ip);
        }
        keytool("-genkeypair", "-alias", "server", "-keyalg", "RSA", "-keysize", "2048", "-validity", "3650",
            "-dname", "CN=" + hostName, "-ext", san.toString(),
            "-keystore", keyStore.toString(), "-storetype", "PKCS12", "-storepass", PASSWORD, "-keypass", PASSWORD);
        keytool("-exportcert", "-alias", "server", "-keystore", keyStore.toString(), "-storepass", PASSWORD,
            "-file", certificate.toString());
        keytool("-importcert", "-noprompt", "-alias", "server", "-file", certificate.toString(),
            "-keystore", trustStore.toString(), "-storetype", "PKCS12", "-storepass", PASSWORD);
        return new TestCertificates(keyStore, trustStore);
    }

    /** For {@link Behaviour.Builder#startTls}: the server presents this certificate. */
    public SSLContext serverContext() throws IOException, GeneralSecurityException {
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keyStore)) {
            keys.load(in, PASSWORD.toCharArray());
        }
        KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        factory.init(keys, PASSWORD.toCharArray());
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(factory.getKeyManagers(), null, null);
        return context;
    }

    /** A PKCS12 trust store with only this certificate, password {@link #PASSWORD}. */
    public Path trustStore() {
        return trustStore;
    }

    private static void keytool(String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            process.destroyForcibly();
            throw new IOException("keytool " + String.join(" ", arguments) + " failed: " + output);
        }
    }
}
