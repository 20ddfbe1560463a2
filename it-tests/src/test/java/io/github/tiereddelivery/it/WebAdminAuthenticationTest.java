package io.github.tiereddelivery.it;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.util.Base64;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.github.tiereddelivery.it.support.TieredJames;
import io.restassured.specification.RequestSpecification;

/**
 * SPEC: "James' WebAdmin authentication applies" to {@code /delivery-routes}. With {@code jwt.enabled=true} and a public
 * key in webadmin.properties, James lets in only requests that carry a JWT signed with the matching private key and
 * claiming {@code admin: true}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WebAdminAuthenticationTest {
    private static final String ROUTES = "<delivery-routes>\n"
        + "    <route domain=\"acme.test\"><host>[192.0.2.1]</host></route>\n"
        + "</delivery-routes>\n";
    private static final String ROUTE_BODY = "{\"hosts\":[{\"host\":\"192.0.2.2\"}]}";

    private final KeyPair james = rsaKeys();
    private final KeyPair stranger = rsaKeys();
    private TieredJames server;

    @BeforeAll
    void startJamesWithJwt() throws Exception {
        server = TieredJames.builder()
            .routesXml(ROUTES)
            .confFile("jwt_publickey", pem(james))
            .property("webadmin.properties", "jwt.enabled", "true")
            .property("webadmin.properties", "jwt.publickeypem.url", "file://conf/jwt_publickey")
            .start();
    }

    @AfterAll
    void stopJames() {
        server.close();
    }

    private RequestSpecification webAdmin() {
        return given().spec(server.webAdmin());
    }

    private RequestSpecification webAdmin(String token) {
        return webAdmin().header("Authorization", "Bearer " + token);
    }

    private String routesFile() throws Exception {
        return Files.readString(server.confDirectory().resolve("delivery-routes.xml"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"/delivery-routes", "/delivery-routes/domains/acme.test", "/delivery-routes/resolve?recipient=u@acme.test",
        "/delivery-routes/health"})
    void aReadWithoutATokenIsUnauthorized(String path) {
        webAdmin().urlEncodingEnabled(false).get(path).then().statusCode(401);
    }

    @Test
    void writesWithoutATokenAreUnauthorizedAndChangeNothing() throws Exception {
        String before = routesFile();

        webAdmin().body(ROUTE_BODY).put("/delivery-routes/domains/acme.test").then().statusCode(401);
        webAdmin().delete("/delivery-routes/domains/acme.test").then().statusCode(401);
        webAdmin().delete("/delivery-routes/health").then().statusCode(401);

        assertThat(routesFile()).isEqualTo(before);
    }

    @Test
    void aTokenSignedWithAnotherKeyIsUnauthorized() {
        webAdmin(token(stranger.getPrivate(), true)).get("/delivery-routes").then().statusCode(401);
    }

    @Test
    void aTokenOfSomeoneWhoIsNotAnAdminIsUnauthorized() {
        webAdmin(token(james.getPrivate(), false)).get("/delivery-routes").then().statusCode(401);
    }

    @Test
    void anAdminTokenSignedWithTheConfiguredKeyIsLetIn() throws Exception {
        String admin = token(james.getPrivate(), true);

        webAdmin(admin).get("/delivery-routes").then().statusCode(200);
        webAdmin(admin).body(ROUTE_BODY).put("/delivery-routes/domains/globex.test").then().statusCode(204);
        webAdmin(admin).get("/delivery-routes/domains/globex.test").then().statusCode(200);
        webAdmin(admin).queryParam("recipient", "u@globex.test").get("/delivery-routes/resolve").then().statusCode(200);
        webAdmin(admin).get("/delivery-routes/health").then().statusCode(200);
        webAdmin(admin).delete("/delivery-routes/domains/globex.test").then().statusCode(204);

        assertThat(routesFile()).doesNotContain("globex.test");
    }

    /** An RS256 JSON Web Token (RFC 7519) for {@code admin@acme.test}, as an identity provider would issue it. */
    private static String token(PrivateKey key, boolean admin) {
        Base64.Encoder base64 = Base64.getUrlEncoder().withoutPadding();
        String header = base64.encodeToString("{\"alg\":\"RS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
        String claims = base64.encodeToString(("{\"sub\":\"admin@acme.test\",\"admin\":" + admin + "}").getBytes(StandardCharsets.UTF_8));
        try {
            Signature rs256 = Signature.getInstance("SHA256withRSA");
            rs256.initSign(key);
            rs256.update((header + "." + claims).getBytes(StandardCharsets.US_ASCII));
            return header + "." + claims + "." + base64.encodeToString(rs256.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static KeyPair rsaKeys() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The public key as James reads it: PEM of the X.509 SubjectPublicKeyInfo. */
    private static String pem(KeyPair keys) {
        return "-----BEGIN PUBLIC KEY-----\n"
            + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(keys.getPublic().getEncoded())
            + "\n-----END PUBLIC KEY-----\n";
    }
}
