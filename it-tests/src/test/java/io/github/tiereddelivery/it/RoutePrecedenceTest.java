package io.github.tiereddelivery.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.github.tiereddelivery.it.support.DeliveryScenario;
import io.github.tiereddelivery.testing.ReceivedMessage;

/** Case 8: recipient > exact domain > longest *.suffix > * (SPEC "Routes file"), and split delivery. */
class RoutePrecedenceTest {
    private static final String[] ALL = {"domain", "recipient", "suffix", "longer-suffix", "default"};

    @RegisterExtension
    static final DeliveryScenario scenario = DeliveryScenario.builder()
        .server("domain", "127.0.0.2")
        .server("recipient", "127.0.0.3")
        .server("suffix", "127.0.0.4")
        .server("longer-suffix", "127.0.0.5")
        .server("default", "127.0.0.6")
        .route("<route domain=\"*\"><host>[127.0.0.6]</host></route>")
        .route("<route domain=\"*.acme.test\"><host>[127.0.0.4]</host></route>")
        .route("<route domain=\"*.eu.acme.test\"><host>[127.0.0.5]</host></route>")
        .route("<route domain=\"acme.test\"><host>[127.0.0.2]</host></route>")
        .route("<route recipient=\"ceo@acme.test\"><host>[127.0.0.3]</host></route>")
        .build();

    private static String deliveredTo(String recipient) throws Exception {
        scenario.send(recipient);
        scenario.awaitDelivered(1, Duration.ofSeconds(60), ALL);
        return scenario.serversThatReceived().iterator().next();
    }

    @Test
    void theRecipientRouteBeatsItsDomainRoute() throws Exception {
        assertThat(deliveredTo("ceo@acme.test")).isEqualTo("recipient");
    }

    @Test
    void recipientsAreComparedCaseInsensitively() throws Exception {
        assertThat(deliveredTo("CEO@Acme.TEST")).isEqualTo("recipient");
    }

    @Test
    void otherRecipientsOfTheDomainTakeTheDomainRoute() throws Exception {
        assertThat(deliveredTo("staff@acme.test")).isEqualTo("domain");
    }

    @Test
    void aSubdomainTakesTheSuffixRoute() throws Exception {
        assertThat(deliveredTo("user@us.acme.test")).isEqualTo("suffix");
    }

    @Test
    void theLongestSuffixWins() throws Exception {
        assertThat(deliveredTo("user@paris.eu.acme.test")).isEqualTo("longer-suffix");
    }

    @Test
    void aDomainWithoutRouteTakesTheDefaultRoute() throws Exception {
        assertThat(deliveredTo("user@elsewhere.test")).isEqualTo("default");
    }

    @Test
    void oneMailForSeveralRoutesIsSplitAndEachPartGoesItsOwnWay() throws Exception {
        scenario.send("ceo@acme.test", "staff@acme.test", "user@us.acme.test");

        scenario.awaitDelivered(3, Duration.ofSeconds(60), ALL);

        assertThat(scenario.server("recipient").messages()).extracting(ReceivedMessage::recipients)
            .containsExactly(List.of("ceo@acme.test"));
        assertThat(scenario.server("domain").messages()).extracting(ReceivedMessage::recipients)
            .containsExactly(List.of("staff@acme.test"));
        assertThat(scenario.server("suffix").messages()).extracting(ReceivedMessage::recipients)
            .containsExactly(List.of("user@us.acme.test"));
    }
}
