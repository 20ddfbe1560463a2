package io.github.tiereddelivery.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.github.tiereddelivery.it.support.DnsZone;
import io.github.tiereddelivery.it.support.Dnsmasq;
import io.github.tiereddelivery.it.support.TieredJames;

class JamesBootsFromConfTest {
    private static final String EXTENSION_LOADER = "org.apache.james.utils.GuiceGenericLoader";
    private static final String MISSING_MAILET = "io.github.tiereddelivery.mailets.NoSuchMailet";

    private final Logger extensionLoader = (Logger) LoggerFactory.getLogger(EXTENSION_LOADER);
    private final ListAppender<ILoggingEvent> extensionLoaderLog = new ListAppender<>();
    private Level extensionLoaderLevel;

    @BeforeEach
    void captureExtensionLoaderLog() {
        extensionLoaderLevel = extensionLoader.getLevel();
        extensionLoader.setLevel(Level.INFO);
        extensionLoaderLog.start();
        extensionLoader.addAppender(extensionLoaderLog);
    }

    @AfterEach
    void releaseExtensionLoaderLog() {
        extensionLoader.detachAppender(extensionLoaderLog);
        extensionLoader.setLevel(extensionLoaderLevel);
    }

    @Test
    void extensionsPropertiesLoadsTheTieredDeliveryModule() throws Exception {
        try (TieredJames james = TieredJames.builder().start()) {
            assertThat(extensionLoaderLog.list).extracting(ILoggingEvent::getFormattedMessage)
                .contains("Enabling injects contained in io.github.tiereddelivery.guice.TieredDeliveryModule");
        }
    }

    @Test
    void acceptsMailFromLoopbackForARemoteRecipient() throws Exception {
        try (Dnsmasq dns = Dnsmasq.start(DnsZone.empty());
             TieredJames james = withoutSystemDns(dns).start()) {
            // sendMail returns only when James answered 250 to RCPT (relay allowed) and to the end of DATA.
            String messageId = james.sendMail("alice@sender.test", List.of("bob@remote.test"), "Hello", "Hi Bob");

            assertThat(messageId).matches("<[^@>]+@sender\\.test>");
        }
    }

    @Test
    void relayedMailReachesTheTieredRemoteDeliveryMailet() throws Exception {
        try (Dnsmasq dns = Dnsmasq.start(DnsZone.empty());
             TieredJames james = withoutSystemDns(dns).start()) {
            james.sendMail("alice@sender.test", List.of("bob@remote.test"), "Hello", "Hi Bob");

            await().atMost(Duration.ofSeconds(30))
                .until(james::deliveryMailetHandledMailCount, count -> count >= 1);
        }
    }

    @Test
    void mailetClassThatDoesNotExistFailsTheStartNamingTheClass() {
        assertThatThrownBy(() -> TieredJames.builder()
                .editXml("mailetcontainer.xml", document -> deliveryMailet(document).setAttribute("class", MISSING_MAILET))
                .start())
            .hasMessageContaining(MISSING_MAILET);
    }

    /** The relayed mail stays on this machine: remote.test is NXDOMAIN here, whatever the system's resolvers say. */
    private static TieredJames.Builder withoutSystemDns(Dnsmasq dns) {
        return TieredJames.builder().mailetParameter("dnsServers", dns.resolverAddress());
    }

    private static Element deliveryMailet(Document document) {
        NodeList mailets = document.getElementsByTagName("mailet");
        for (int i = 0; i < mailets.getLength(); i++) {
            Element mailet = (Element) mailets.item(i);
            if (mailet.getAttribute("class").equals("io.github.tiereddelivery.mailets.TieredRemoteDelivery")) {
                return mailet;
            }
        }
        throw new AssertionError("conf/mailetcontainer.xml has no TieredRemoteDelivery mailet");
    }
}
