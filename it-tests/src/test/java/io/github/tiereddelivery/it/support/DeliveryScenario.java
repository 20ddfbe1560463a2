package io.github.tiereddelivery.it.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.w3c.dom.Document;

import com.google.common.io.MoreFiles;
import com.google.common.io.RecursiveDeleteOption;
import com.google.inject.Module;

import io.github.tiereddelivery.testing.ReceivedMessage;
import io.github.tiereddelivery.testing.ReceivingSmtpServer;
import io.restassured.specification.RequestSpecification;

/**
 * Everything one delivery test runs against: receiving SMTP servers on loopback addresses, a dnsmasq serving the
 * test's records, and a James booted from conf/ with TieredRemoteDelivery pointed at both. Mail is sent by
 * {@link #SENDER}, whose domain is routed to a server of its own so that bounces can be read where they arrive.
 * A JUnit extension: started once for the test class, reset before each test, stopped after the class. James may be
 * stopped and started again in a test ({@link #stopJames}, {@link #startJames}): the new one runs on the working
 * directory of the one before.
 */
public final class DeliveryScenario implements BeforeAllCallback, BeforeEachCallback, AfterAllCallback {
    public static final String SENDER = "sender@sender.test";
    public static final String SENDER_SERVER = "sender-mx";
    private static final String SENDER_SERVER_ADDRESS = "127.0.0.254";
    /** Where dnsmasq listens when it is the server of James' dnsservice.xml (port 53). */
    private static final String JAMES_DNS_SERVICE_ADDRESS = "127.0.0.153";
    private static final String SENDER_ROUTE = "<route domain=\"sender.test\"><host>[" + SENDER_SERVER_ADDRESS + "]</host></route>";

    private final Builder setup;
    private ReceivingServers servers;
    private Dnsmasq dns;
    private Optional<BrokenDnsServer> brokenDnsFirst = Optional.empty();
    private Path jamesWorkingDirectory;
    private TieredJames james;
    private int sent;

    private DeliveryScenario(Builder setup) {
        this.setup = setup;
    }

    public static Builder builder() {
        return new Builder();
    }

    public ReceivingSmtpServer server(String name) {
        return servers.get(name);
    }

    public ReceivingServers servers() {
        return servers;
    }

    /** Where bounces to {@link #SENDER} arrive. */
    public ReceivingSmtpServer senderServer() {
        return servers.get(SENDER_SERVER);
    }

    public Dnsmasq dns() {
        return dns;
    }

    public TieredJames james() {
        return james;
    }

    /** Sends one mail from {@link #SENDER} and returns its Message-ID. */
    public String send(String... recipients) throws Exception {
        sent++;
        return james.sendMail(SENDER, List.of(recipients), "test mail " + sent, "Message number " + sent + ".\r\n");
    }

    /** Sends {@code count} mails, one at a time, and returns their Message-IDs in order. */
    public List<String> send(int count, String... recipients) throws Exception {
        List<String> messageIds = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            messageIds.add(send(recipients));
        }
        return messageIds;
    }

    /** Waits until the named servers together hold {@code count} messages (more would show in the assertions). */
    public void awaitDelivered(int count, Duration timeout, String... serverNames) {
        servers.awaitTotal(count, List.of(serverNames), timeout);
    }

    /** Messages received per server, without the sender's server. */
    public Map<String, Integer> counts() {
        Map<String, Integer> counts = new LinkedHashMap<>(servers.counts());
        counts.remove(SENDER_SERVER);
        return counts;
    }

    /** Message-IDs received by the given servers, each as often as it was received. */
    public List<String> receivedMessageIds(String... serverNames) {
        return servers.messages(List.of(serverNames)).stream()
            .map(message -> message.messageId().orElse("<none>"))
            .collect(Collectors.toList());
    }

    /**
     * Waits until James' delivery attempts failed {@code count} times in all at the named server (its sessions that
     * failed, as the host health memory counts them): with the server stopped, one per attempt that reached it.
     */
    public void awaitFailedSessions(String serverName, int count, Duration timeout) {
        ReceivingSmtpServer server = servers.get(serverName);
        Awaitility.await().atMost(timeout).pollInterval(Duration.ofMillis(50))
            .until(() -> james.probe(TieredDeliveryProbe.class).serverHealth().status(server.socketAddress())
                .map(status -> status.failures()).orElse(0L) >= count);
    }

    public List<ReceivedMessage> bounces() {
        return senderServer().messages();
    }

    public void awaitBounces(int count, Duration timeout) {
        Awaitility.await().atMost(timeout).pollInterval(Duration.ofMillis(50))
            .until(() -> senderServer().messageCount() >= count);
    }

    /** The names of servers that received at least one message. */
    public Set<String> serversThatReceived() {
        return counts().entrySet().stream()
            .filter(entry -> entry.getValue() > 0)
            .map(Map.Entry::getKey)
            .collect(Collectors.toSet());
    }

    /** Mail waiting in James' outgoing queue, as WebAdmin's {@code /mailQueues/outgoing} reports it. */
    public int outgoingQueueSize() throws IOException, InterruptedException {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + james.webAdminPort() + "/mailQueues/outgoing")).build(),
            HttpResponse.BodyHandlers.ofString());
        Matcher size = Pattern.compile("\"size\":(\\d+)").matcher(response.body());
        if (response.statusCode() != 200 || !size.find()) {
            throw new IllegalStateException("unexpected WebAdmin answer " + response.statusCode() + ": " + response.body());
        }
        return Integer.parseInt(size.group(1));
    }

    /** James' WebAdmin for REST-assured: {@code given().spec(scenario.webAdmin()).get("/delivery-routes")}. */
    public RequestSpecification webAdmin() {
        return james.webAdmin();
    }

    /** The routes file James delivers with. */
    public Path routesFile() {
        return james.confDirectory().resolve("delivery-routes.xml");
    }

    /** The routes file as it is on disk now. */
    public String routesFileContent() throws IOException {
        return Files.readString(routesFile());
    }

    /** Replaces James' routes file on disk, as an operator's editor would (the sender's route is kept). */
    public void rewriteRoutes(String... routeElements) throws IOException {
        List<String> routes = new ArrayList<>(List.of(SENDER_ROUTE));
        routes.addAll(List.of(routeElements));
        writeRoutesFile(routesFile(routes));
    }

    /** Writes anything as the routes file, e.g. a broken version. */
    public void writeRoutesFile(String content) throws IOException {
        Path file = routesFile();
        Path temporary = file.resolveSibling("delivery-routes.xml.new");
        Files.writeString(temporary, content);
        Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static String routesFile(List<String> routes) {
        return "<delivery-routes>\n" + String.join("\n", routes) + "\n</delivery-routes>\n";
    }

    /** All servers up, behaving normally, with nothing recorded. */
    public void reset() throws IOException {
        servers.reset();
        // The mailets remember failed servers for a while (per JVM): each test starts with none remembered.
        james.probe(TieredDeliveryProbe.class).serverHealth().forget();
    }

    /** Stops James cleanly (as an operator's {@code stop} would); its working directory stays for {@link #startJames}. */
    public void stopJames() {
        TieredJames running = james;
        james = null;
        running.close();
    }

    /** Starts James on the working directory of the one before, with the same configuration (the routes as first given). */
    public void startJames() throws Exception {
        if (james != null) {
            throw new IllegalStateException("James runs already");
        }
        TieredJames.Builder builder = TieredJames.builder()
            .workingDirectory(jamesWorkingDirectory)
            .routesXml(routesFile(setup.routes))
            .mailetParameter("defaultPort", String.valueOf(servers.port()));
        if (setup.dnsInJamesDnsService) {
            builder.confFile("dnsservice.xml", "<dnsservice><servers><server>" + dns.address() + "</server></servers>"
                + "<autodiscover>false</autodiscover></dnsservice>");
        } else {
            builder.mailetParameter("dnsServers", brokenDnsFirst.map(broken -> broken.resolverAddress() + ",").orElse("")
                + dns.resolverAddress());
        }
        setup.mailetParameters.forEach(builder::mailetParameter);
        setup.confFiles.forEach(builder::confFile);
        setup.properties.forEach(property -> builder.property(property.fileName(), property.key(), property.value()));
        setup.overrides.forEach(builder::overrideModule);
        setup.xmlEdits.forEach((fileName, edits) -> edits.forEach(edit -> builder.editXml(fileName, edit)));
        james = builder.start();
    }

    /** Starts the servers, dnsmasq and James, before the tests of a class. */
    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        servers = ReceivingServers.start(setup.addresses);
        try {
            dns = setup.dnsInJamesDnsService
                ? Dnsmasq.startOnPort53(setup.zone.build(), JAMES_DNS_SERVICE_ADDRESS)
                : Dnsmasq.start(setup.zone.build());
            brokenDnsFirst = setup.brokenDnsServerFirst.map(Supplier::get);
            jamesWorkingDirectory = Files.createTempDirectory("tiered-james-");
            startJames();
        } catch (Exception | Error e) {
            afterAll(context);
            throw e;
        }
    }

    /** Before each test: all servers up, behaving normally, with nothing recorded. */
    @Override
    public void beforeEach(ExtensionContext context) throws IOException {
        reset();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        try {
            if (james != null) {
                stopJames();
            }
        } finally {
            try {
                brokenDnsFirst.ifPresent(BrokenDnsServer::close);
                if (dns != null) {
                    dns.close();
                }
            } finally {
                try {
                    servers.close();
                } finally {
                    deleteJamesWorkingDirectory();
                }
            }
        }
    }

    private record Property(String fileName, String key, String value) {
    }

    private void deleteJamesWorkingDirectory() {
        if (jamesWorkingDirectory == null) {
            return;
        }
        try {
            MoreFiles.deleteRecursively(jamesWorkingDirectory, RecursiveDeleteOption.ALLOW_INSECURE);
        } catch (IOException e) {
            throw new UncheckedIOException("could not delete James' working directory " + jamesWorkingDirectory, e);
        }
    }

    public static final class Builder {
        private final Map<String, String> addresses = new LinkedHashMap<>();
        private final DnsZone.Builder zone = DnsZone.builder();
        private final List<String> routes = new ArrayList<>();
        private final Map<String, String> mailetParameters = new LinkedHashMap<>();
        private final Map<String, String> confFiles = new LinkedHashMap<>();
        private final List<Property> properties = new ArrayList<>();
        private final List<Module> overrides = new ArrayList<>();
        private final Map<String, List<Consumer<Document>>> xmlEdits = new LinkedHashMap<>();
        private Optional<Supplier<BrokenDnsServer>> brokenDnsServerFirst = Optional.empty();
        private boolean dnsInJamesDnsService;

        private Builder() {
            addresses.put(SENDER_SERVER, SENDER_SERVER_ADDRESS);
            routes.add(SENDER_ROUTE);
            // Short network timeouts so that dead servers cost little; a long retry delay so that anything delivered
            // quickly was delivered in the first attempt.
            mailetParameters.put("timeout", "2000");
            mailetParameters.put("connectiontimeout", "2000");
            mailetParameters.put("delayTime", "1 hour");
            mailetParameters.put("maxRetries", "3");
        }

        /** A receiving server on a loopback address, e.g. {@code server("primary", "127.0.0.2")}. */
        public Builder server(String name, String address) {
            addresses.put(name, address);
            return this;
        }

        public Builder dns(Consumer<DnsZone.Builder> records) {
            records.accept(zone);
            return this;
        }

        /** A {@code <route>} element of the routes file (the sender's domain route is added for bounces). */
        public Builder route(String routeElement) {
            routes.add(routeElement);
            return this;
        }

        /** {@code dnsServers} names a DNS server that never answers ({@link BrokenDnsServer#silent()}) before dnsmasq. */
        public Builder silentDnsServerFirst() {
            brokenDnsServerFirst = Optional.of(BrokenDnsServer::silent);
            return this;
        }

        /** {@code dnsServers} names a DNS server that answers every question REFUSED ({@link BrokenDnsServer#refusing()}) before dnsmasq. */
        public Builder refusingDnsServerFirst() {
            brokenDnsServerFirst = Optional.of(BrokenDnsServer::refusing);
            return this;
        }

        /**
         * No {@code dnsServers} parameter: dnsmasq is the server of James' own dnsservice.xml (on port 53 of
         * 127.0.0.153, as that file takes no port).
         */
        public Builder dnsInJamesDnsService() {
            dnsInJamesDnsService = true;
            return this;
        }

        public Builder mailetParameter(String name, String value) {
            mailetParameters.put(name, value);
            return this;
        }

        /** Another file of James' configuration folder, e.g. {@code delivery-routes-secrets.properties}. */
        public Builder confFile(String fileName, String content) {
            confFiles.put(fileName, content);
            return this;
        }

        /** {@code key=value} in a properties file of James' configuration folder, e.g. webadmin.properties. */
        public Builder property(String fileName, String key, String value) {
            properties.add(new Property(fileName, key, value));
            return this;
        }

        /** A Guice module whose bindings replace the memory server's, e.g. {@link ActiveMQMailQueueModule}. */
        public Builder overrideModule(Module module) {
            overrides.add(module);
            return this;
        }

        /** Any other change of an XML file of James' configuration folder, e.g. a processor in mailetcontainer.xml. */
        public Builder editXml(String fileName, Consumer<Document> edit) {
            xmlEdits.computeIfAbsent(fileName, any -> new ArrayList<>()).add(edit);
            return this;
        }

        /** The scenario, to register with {@code @RegisterExtension} on a static field. */
        public DeliveryScenario build() {
            return new DeliveryScenario(this);
        }
    }
}
