package io.github.tiereddelivery.it;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.hamcrest.Matchers.contains;

import java.io.IOException;
import java.net.ConnectException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.tiereddelivery.demo.JamesInstallation;
import io.github.tiereddelivery.demo.JamesProcess;
import io.github.tiereddelivery.it.support.MailSubmitter;
import io.github.tiereddelivery.it.support.ReceivingServers;

/**
 * The real deployment path: James 3.8.1 laid out as the official image lays it out (demo/target/james: libs/ with
 * every runtime jar of james-server-memory-app, extensions-jars/ with the extension jar alone), started as a JVM of
 * its own with MemoryJamesServerMain and -Dworking.directory, configured by the project's conf/ (only the listening
 * addresses and the routes file changed).
 */
class ExtensionJarInJamesTest {
    private static final Path HOME = Path.of(System.getProperty("tiered.james.home"));
    private static final Path CONF = Path.of(System.getProperty("tiered.conf.dir"));
    private static final Duration DELIVERY_TIMEOUT = Duration.ofSeconds(60);

    @TempDir
    Path temp;

    @Test
    void extensionsJarsHoldsTheExtensionJarAlone() {
        assertThat(JamesInstallation.at(HOME).extensionJars())
            .singleElement()
            .satisfies(jar -> assertThat(jar.getFileName().toString()).matches("tiered-delivery-extension-.+\\.jar"));
    }

    @Test
    void extensionJarHoldsOnlyThisProjectsClassesAndMavenMetadata() throws IOException {
        try (JarFile jar = new JarFile(extensionJar().toFile())) {
            List<String> entries = jar.stream().filter(entry -> !entry.isDirectory()).map(ZipEntry::getName)
                .collect(Collectors.toList());

            assertThat(entries)
                .allMatch(name -> name.matches("io/github/tiereddelivery/.+\\.class")
                    || name.equals("META-INF/MANIFEST.MF")
                    || name.startsWith("META-INF/maven/io.github.tiereddelivery/"), "a class of this project or metadata")
                .contains("io/github/tiereddelivery/mailets/TieredRemoteDelivery.class",
                    "io/github/tiereddelivery/mailets/TieredDSNBounce.class",
                    "io/github/tiereddelivery/guice/TieredDeliveryModule.class");
        }
    }

    /** The app jar's manifest Class-Path is James' own list of the memory server's runtime jars. */
    @Test
    void libsHoldTheMemoryAppJarAndExactlyTheJarsOfItsClassPath() throws IOException {
        Path libs = JamesInstallation.at(HOME).libs();
        Path appJar = libs.resolve("james-server-memory-app-3.8.1.jar");
        List<String> expected = new ArrayList<>();
        expected.add(appJar.getFileName().toString());
        try (JarFile jar = new JarFile(appJar.toFile())) {
            Arrays.stream(jar.getManifest().getMainAttributes().getValue("Class-Path").split(" "))
                .map(entry -> entry.substring(entry.lastIndexOf('/') + 1))
                .forEach(expected::add);
        }
        try (Stream<Path> files = Files.list(libs)) {
            assertThat(files.map(file -> file.getFileName().toString()))
                .containsExactlyInAnyOrderElementsOf(expected);
        }
    }

    @Test
    void mailGoesToTierOneWhileItIsUpThenToTierTwoAndJamesStopsWhenAsked() throws Exception {
        Map<String, String> addresses = new LinkedHashMap<>();
        addresses.put("tier1-a", "127.0.0.2");
        addresses.put("tier1-b", "127.0.0.3");
        addresses.put("tier2", "127.0.0.4");
        try (ReceivingServers servers = ReceivingServers.start(addresses);
             JamesProcess james = JamesProcess.builder(JamesInstallation.at(HOME), CONF, temp.resolve("james"))
                 .routesXml("<delivery-routes><route domain=\"acme.test\">"
                     + "<host preference=\"10\">[127.0.0.2]:" + servers.port() + "</host>"
                     + "<host preference=\"10\">[127.0.0.3]:" + servers.port() + "</host>"
                     + "<host preference=\"20\">[127.0.0.4]:" + servers.port() + "</host>"
                     + "</route></delivery-routes>")
                 .start()) {
            MailSubmitter client = new MailSubmitter("127.0.0.1", james.smtpAddress().getPort());

            List<String> whileUp = List.of(
                client.send("alice@sender.test", List.of("bob@acme.test"), "1", "tier 1 is up"),
                client.send("alice@sender.test", List.of("bob@acme.test"), "2", "tier 1 is up"));
            servers.awaitTotal(2, List.of("tier1-a", "tier1-b"), DELIVERY_TIMEOUT);
            servers.get("tier1-a").stop();
            servers.get("tier1-b").stop();
            String whileDown = client.send("alice@sender.test", List.of("bob@acme.test"), "3", "tier 1 is down");
            servers.awaitTotal(1, List.of("tier2"), DELIVERY_TIMEOUT);

            assertThat(messageIds(servers, "tier1-a", "tier1-b")).containsExactlyInAnyOrderElementsOf(whileUp);
            assertThat(messageIds(servers, "tier2")).containsExactly(whileDown);
            // conf/webadmin.properties loads the extension jar's WebAdmin routes (extensions.routes).
            given().baseUri(james.webAdminUri().toString()).get("/delivery-routes/domains/acme.test").then()
                .statusCode(200)
                .body("hosts.preference", contains(10, 10, 20));

            james.stop();

            assertThat(james.isRunning()).isFalse();
            assertThatThrownBy(() -> new Socket("127.0.0.1", james.smtpAddress().getPort()).close())
                .isInstanceOf(ConnectException.class);
        }
    }

    private static Path extensionJar() {
        return JamesInstallation.at(HOME).extensionJars().get(0);
    }

    private static List<String> messageIds(ReceivingServers servers, String... names) {
        return servers.messages(List.of(names)).stream()
            .map(message -> message.messageId().orElseThrow())
            .collect(Collectors.toList());
    }
}
