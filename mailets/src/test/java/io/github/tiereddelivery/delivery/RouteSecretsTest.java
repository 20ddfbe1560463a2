package io.github.tiereddelivery.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import javax.mail.MessagingException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.tiereddelivery.routes.RouteTable;
import io.github.tiereddelivery.routes.RoutesFileParser;
import io.github.tiereddelivery.smtp.Credentials;

class RouteSecretsTest {
    @TempDir
    Path conf;

    private static RouteTable routes(String xml) throws Exception {
        return new RoutesFileParser().parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)), "delivery-routes.xml");
    }

    private static final String AUTH_ROUTE = "<delivery-routes><route domain=\"acme.test\" auth=\"acme\"><host>[192.0.2.1]</host></route>"
        + "<route domain=\"plain.test\"><host>[192.0.2.2]</host></route></delivery-routes>";

    @Test
    void aRouteGetsTheCredentialsItNames() throws Exception {
        Files.writeString(conf.resolve(RouteSecrets.FILE_NAME), "acme.username=relay-user\nacme.password=s3cret\n");
        RouteTable table = routes(AUTH_ROUTE);

        RouteSecrets secrets = RouteSecrets.load(conf.resolve(RouteSecrets.FILE_NAME), table);

        assertThat(secrets.forRoute(table.routes().get(0))).contains(new Credentials("relay-user", "s3cret"));
        assertThat(secrets.forRoute(table.routes().get(1))).isEmpty();
    }

    @Test
    void noFileIsNeededWhenNoRouteAuthenticates() throws Exception {
        RouteTable table = routes("<delivery-routes><route domain=\"plain.test\"><host>[192.0.2.2]</host></route></delivery-routes>");

        assertThat(RouteSecrets.load(conf.resolve(RouteSecrets.FILE_NAME), table).forRoute(table.routes().get(0))).isEmpty();
    }

    @Test
    void aMissingFileStopsJamesNamingTheRouteAndTheFile() throws Exception {
        assertThatThrownBy(() -> RouteSecrets.load(conf.resolve(RouteSecrets.FILE_NAME), routes(AUTH_ROUTE)))
            .isInstanceOf(MessagingException.class)
            .hasMessageContaining("route acme.test")
            .hasMessageContaining(RouteSecrets.FILE_NAME + " does not exist");
    }

    @Test
    void aMissingPasswordStopsJamesWithoutShowingTheUsernameValue() throws Exception {
        Files.writeString(conf.resolve(RouteSecrets.FILE_NAME), "acme.username=relay-user\n");

        assertThatThrownBy(() -> RouteSecrets.load(conf.resolve(RouteSecrets.FILE_NAME), routes(AUTH_ROUTE)))
            .hasMessageContaining("lacks acme.username and/or acme.password")
            .hasMessageNotContaining("relay-user");
    }
}
