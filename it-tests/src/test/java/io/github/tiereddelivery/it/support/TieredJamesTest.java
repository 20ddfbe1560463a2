package io.github.tiereddelivery.it.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The harness' overrides reach the James it boots. One James for all tests: they only look at it. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TieredJamesTest {
    private static final String ROUTES = "<delivery-routes>\n"
        + "    <route domain=\"acme.test\"><host>[127.0.0.1]:2525</host></route>\n"
        + "</delivery-routes>\n";

    private TieredJames james;

    @BeforeAll
    void startJames() throws Exception {
        james = TieredJames.builder()
            .routesXml(ROUTES)
            .mailetParameter("dnsServers", "127.0.0.1:5353")
            .mailetParameter("maxRetries", "1")
            .removeMailetParameter("sendpartial")
            .start();
    }

    @AfterAll
    void stopJames() {
        james.close();
    }

    @Test
    void addedMailetParameterReachesTheDeliveryMailet() {
        assertThat(james.deliveryMailetParameters()).contains("dnsServers=127.0.0.1:5353");
    }

    @Test
    void replacedMailetParameterReachesTheDeliveryMailet() {
        assertThat(james.deliveryMailetParameters()).contains("maxRetries=1").doesNotContain("maxRetries=3");
    }

    @Test
    void removedMailetParameterIsGoneFromTheDeliveryMailet() {
        assertThat(james.deliveryMailetParameters()).noneMatch(parameter -> parameter.startsWith("sendpartial="));
    }

    @Test
    void routesXmlIsTheRoutesFileOfTheConfDirectory() throws Exception {
        assertThat(Files.readString(james.confDirectory().resolve("delivery-routes.xml"))).isEqualTo(ROUTES);
    }

    @Test
    void theProjectsConfFolderIsLeftUntouched() throws Exception {
        Path projectConf = Path.of(System.getProperty("tiered.conf.dir"));

        assertThat(james.confDirectory()).isNotEqualTo(projectConf);
        assertThat(Files.readString(projectConf.resolve("mailetcontainer.xml"))).doesNotContain("127.0.0.1:5353");
    }

    @Test
    void smtpGreetsOnLoopbackOnAFreePort() throws Exception {
        assertThat(james.smtpPort()).isNotEqualTo(25);
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), james.smtpPort())) {
            socket.setSoTimeout(10_000);
            String greeting = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII))
                .readLine();

            assertThat(greeting).startsWith("220 ");
        }
    }

    @Test
    void webAdminAnswersOnLoopbackOnAFreePort() throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + james.webAdminPort() + "/healthcheck"))
                .timeout(Duration.ofSeconds(10))
                .build(),
            HttpResponse.BodyHandlers.ofString());

        assertThat(james.webAdminPort()).isNotEqualTo(8000);
        assertThat(response.statusCode()).isEqualTo(200);
    }
}
