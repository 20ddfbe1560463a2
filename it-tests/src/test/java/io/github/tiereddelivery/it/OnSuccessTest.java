package io.github.tiereddelivery.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.apache.james.core.MailAddress;
import org.apache.james.mailrepository.api.MailKey;
import org.apache.james.mailrepository.api.MailRepositoryUrl;
import org.apache.james.utils.MailRepositoryProbeImpl;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

import io.github.tiereddelivery.it.support.DeliveryScenario;
import io.github.tiereddelivery.testing.Behaviour;

/**
 * Stock's {@code onSuccess}: a copy of each delivered mail, holding the recipients it was delivered to, goes to that
 * processor (here one that keeps it in a repository).
 */
class OnSuccessTest {
    private static final MailRepositoryUrl DELIVERED = MailRepositoryUrl.from("memory://var/mail/delivered/");

    @RegisterExtension
    static final DeliveryScenario scenario = DeliveryScenario.builder()
        .server("acme", "127.0.0.2")
        .route("<route domain=\"acme.test\"><host>[127.0.0.2]</host></route>")
        .editXml("mailetcontainer.xml", OnSuccessTest::addDeliveredProcessor)
        .mailetParameter("onSuccess", "delivered")
        .build();

    private static void addDeliveredProcessor(Document mailetContainer) {
        Element processor = mailetContainer.createElement("processor");
        processor.setAttribute("state", "delivered");
        processor.setAttribute("enableJmx", "false");
        Element mailet = mailetContainer.createElement("mailet");
        mailet.setAttribute("match", "All");
        mailet.setAttribute("class", "ToRepository");
        Element path = mailetContainer.createElement("repositoryPath");
        path.setTextContent(DELIVERED.asString());
        mailet.appendChild(path);
        processor.appendChild(mailet);
        mailetContainer.getElementsByTagName("processors").item(0).appendChild(processor);
    }

    private static MailRepositoryProbeImpl repositories() {
        return scenario.james().probe(MailRepositoryProbeImpl.class);
    }

    /** The recipients of each copy kept by the onSuccess processor (DSNs sent to the sender's server included). */
    private static List<List<MailAddress>> copies() throws Exception {
        List<List<MailAddress>> copies = new ArrayList<>();
        for (MailKey key : repositories().listMailKeys(DELIVERED)) {
            copies.add(List.copyOf(repositories().getMail(DELIVERED, key).getRecipients()));
        }
        return copies;
    }

    @Test
    void aDeliveredMailIsCopiedToTheOnSuccessProcessorWithTheRecipientsItReached() throws Exception {
        scenario.server("acme").behave(Behaviour.builder()
            .rcptReply(address -> address.contains("ghost@") ? "550 5.1.1 no such user" : "250 2.1.5 ok")
            .build());

        scenario.send("alice@acme.test", "ghost@acme.test");

        scenario.awaitDelivered(1, Duration.ofSeconds(60), "acme");
        MailAddress alice = new MailAddress("alice@acme.test");
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> copies().stream().anyMatch(copy -> copy.contains(alice)));
        assertThat(copies()).filteredOn(copy -> copy.contains(alice)).containsExactly(List.of(alice));
        MailAddress ghost = new MailAddress("ghost@acme.test");
        assertThat(copies()).noneMatch(copy -> copy.contains(ghost));
    }

    @Test
    void aMailNoServerTookIsNotCopied() throws Exception {
        scenario.server("acme").behave(Behaviour.builder().rcptReply("550 5.1.1 no such user").build());

        scenario.send("nobody@acme.test");

        // The sender's DSN is delivered (and copied) once the mail was refused: by then no copy could still come.
        int bounces = scenario.bounces().size();
        scenario.awaitBounces(bounces + 1, Duration.ofSeconds(60));
        MailAddress sender = new MailAddress(DeliveryScenario.SENDER);
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> copies().stream().anyMatch(copy -> copy.contains(sender)));
        MailAddress nobody = new MailAddress("nobody@acme.test");
        assertThat(copies()).noneMatch(copy -> copy.contains(nobody));
        assertThat(scenario.server("acme").messageCount()).isZero();
    }
}
