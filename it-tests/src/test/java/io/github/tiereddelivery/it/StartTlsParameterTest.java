package io.github.tiereddelivery.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.github.tiereddelivery.it.support.DeliveryScenario;
import io.github.tiereddelivery.testing.Behaviour;
import io.github.tiereddelivery.testing.TestCertificates;

/**
 * Stock's {@code startTLS=true} for routes without a {@code tls} attribute: STARTTLS whenever the server offers it
 * (Postfix's "may": the certificate is not verified), in clear when it does not.
 */
class StartTlsParameterTest {
    private static final TestCertificates SELF_SIGNED = TestCertificates.forHost("mx.offering.test");
    private static final String[] ALL = {"offering", "plain"};

    @RegisterExtension
    static final DeliveryScenario scenario = DeliveryScenario.builder()
        .server("offering", "127.0.0.2")
        .server("plain", "127.0.0.3")
        .route("<route domain=\"offering.test\"><host>[127.0.0.2]</host></route>")
        .route("<route domain=\"plain.test\"><host>[127.0.0.3]</host></route>")
        .mailetParameter("startTLS", "true")
        .build();


    @BeforeEach
    void offerStartTls() throws Exception {
        scenario.server("offering").behave(Behaviour.builder().startTls(SELF_SIGNED.serverContext()).build());
    }

    @Test
    void aServerOfferingStartTlsGetsTheMailEncrypted() throws Exception {
        String sent = scenario.send("user@offering.test");

        scenario.awaitDelivered(1, Duration.ofSeconds(60), ALL);

        assertThat(scenario.server("offering").messages()).singleElement().satisfies(message -> {
            assertThat(message.messageId()).contains(sent);
            assertThat(message.tls()).isTrue();
        });
    }

    @Test
    void aServerWithoutStartTlsGetsTheMailInClear() throws Exception {
        String sent = scenario.send("user@plain.test");

        scenario.awaitDelivered(1, Duration.ofSeconds(60), ALL);

        assertThat(scenario.server("plain").messages()).singleElement().satisfies(message -> {
            assertThat(message.messageId()).contains(sent);
            assertThat(message.tls()).isFalse();
        });
    }
}
