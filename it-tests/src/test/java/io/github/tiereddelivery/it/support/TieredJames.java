package io.github.tiereddelivery.it.support;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import javax.mail.MessagingException;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

import org.apache.james.ExtraProperties;
import org.apache.james.FakeSearchMailboxModule;
import org.apache.james.GuiceJamesServer;
import org.apache.james.MemoryJamesConfiguration;
import org.apache.james.MemoryJamesServerMain;
import org.apache.james.filesystem.api.FileSystem;
import org.apache.james.modules.RunArgumentsModule;
import org.apache.james.modules.protocols.SmtpGuiceProbe;
import org.apache.james.server.core.configuration.Configuration.ConfigurationPath;
import org.apache.james.utils.GuiceProbe;
import org.apache.james.utils.WebAdminGuiceProbe;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.w3c.dom.Document;

import com.google.common.collect.ImmutableList;
import com.google.common.io.MoreFiles;
import com.google.common.io.RecursiveDeleteOption;
import com.google.inject.Module;

import io.github.tiereddelivery.demo.JamesConfFolder;
import io.restassured.builder.RequestSpecBuilder;
import io.restassured.config.EncoderConfig;
import io.restassured.config.RestAssuredConfig;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;

/**
 * A real James 3.8.1 memory server, booted in this JVM the way {@code MemoryJamesServerMain} boots it, from a copy
 * of the project's {@code conf/} folder: {@code extensions.properties} loads the TieredDeliveryModule and
 * {@code mailetcontainer.xml} runs TieredRemoteDelivery. Each instance has a working directory of its own.
 *
 * <p>Test overrides: SMTP listens on 127.0.0.1 on a free port ({@link #smtpPort()}), WebAdmin on 127.0.0.1 on a
 * free port ({@link #webAdminPort()}); the rest is the shipped configuration plus what the builder changes.
 *
 * <p>A James started on the {@link Builder#workingDirectory working directory} of one stopped before finds what that
 * one left on disk ({@code var/}); with {@link Builder#overrideModule} binding a persistent mail queue, that is the
 * mail it had queued (see {@link ActiveMQMailQueueModule}).
 *
 * <pre>
 * try (TieredJames james = TieredJames.builder()
 *         .routesXml("&lt;delivery-routes&gt;...&lt;/delivery-routes&gt;")
 *         .mailetParameter("dnsServers", dnsmasq.resolverAddress())
 *         .start()) {
 *     james.sendMail("alice@sender.test", List.of("bob@acme.test"), "Hello", "Hi Bob");
 * }
 * </pre>
 */
public final class TieredJames implements AutoCloseable {
    /** Surefire passes it; when the tests run elsewhere, James must not exit the JVM when it fails to start. */
    static {
        System.setProperty("james.exit.on.startup.error", "false");
    }

    private static final Logger LOGGER = LoggerFactory.getLogger(TieredJames.class);
    private static final String CONF_DIR_PROPERTY = "tiered.conf.dir";
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);
    private static final String LOOPBACK = "127.0.0.1";

    private final GuiceJamesServer server;
    private final Path workingDirectory;
    private final boolean ownsWorkingDirectory;
    private final MailSubmitter submitter;

    private TieredJames(GuiceJamesServer server, Path workingDirectory, boolean ownsWorkingDirectory) {
        this.server = server;
        this.workingDirectory = workingDirectory;
        this.ownsWorkingDirectory = ownsWorkingDirectory;
        this.submitter = new MailSubmitter(LOOPBACK, smtpPort());
    }

    public static Builder builder() {
        return new Builder();
    }

    public int smtpPort() {
        return server.getProbe(SmtpGuiceProbe.class).getSmtpPort().getValue();
    }

    public int webAdminPort() {
        return server.getProbe(WebAdminGuiceProbe.class).getWebAdminPort().getValue();
    }

    /**
     * REST-assured's request specification for this James' WebAdmin (JSON in and out, UTF-8), as James' own WebAdmin
     * tests build it: {@code given().spec(james.webAdmin()).get("/delivery-routes")}.
     */
    public RequestSpecification webAdmin() {
        return new RequestSpecBuilder()
            .setContentType(ContentType.JSON)
            .setAccept(ContentType.JSON)
            .setConfig(RestAssuredConfig.newConfig().encoderConfig(EncoderConfig.encoderConfig()
                .defaultContentCharset(StandardCharsets.UTF_8)))
            .setBaseUri("http://" + LOOPBACK)
            .setPort(webAdminPort())
            .setBasePath("/")
            .build();
    }

    /** The configuration folder James reads: the edited copy. The routes file is {@code delivery-routes.xml} here. */
    public Path confDirectory() {
        return workingDirectory.resolve("conf");
    }

    /** One of James' Guice probes, e.g. {@code SpoolerProbe}, {@code MailRepositoryProbeImpl}, {@code DataProbeImpl}. */
    public <T extends GuiceProbe> T probe(Class<T> probeClass) {
        return server.getProbe(probeClass);
    }

    /**
     * How many mails the TieredRemoteDelivery mailet has handled so far (returned from, or thrown), as James' mailet
     * container counts them. Await it to know that a relayed mail went through the mailet.
     */
    public long deliveryMailetHandledMailCount() {
        return (long) deliveryMailetAttribute("HandledMailCount");
    }

    /** The TieredRemoteDelivery mailet's parameters as James gave them to the mailet, each "name=value". */
    public List<String> deliveryMailetParameters() {
        return List.of((String[]) deliveryMailetAttribute("MailetParameters"));
    }

    /**
     * James' mailet container publishes each mailet as an MBean of the platform MBean server (enableJmx="true" in
     * mailetcontainer.xml; the names are the same for every James, so one James per JVM at a time).
     */
    private static Object deliveryMailetAttribute(String attribute) {
        MBeanServer mbeans = ManagementFactory.getPlatformMBeanServer();
        try {
            List<ObjectName> deliveryMailets = new ArrayList<>();
            for (ObjectName name : mbeans.queryNames(
                    new ObjectName("org.apache.james:type=component,component=mailetcontainer,subtype=mailet,*"), null)) {
                if (JamesConfFolder.DELIVERY_MAILET.equals(mbeans.getAttribute(name, "MailetName"))) {
                    deliveryMailets.add(name);
                }
            }
            if (deliveryMailets.size() != 1) {
                throw new IllegalStateException("expected one " + JamesConfFolder.DELIVERY_MAILET + " mailet MBean, found "
                    + deliveryMailets);
            }
            return mbeans.getAttribute(deliveryMailets.get(0), attribute);
        } catch (JMException e) {
            throw new IllegalStateException("cannot read the mailet MBeans of James", e);
        }
    }

    /**
     * Submits a plain-text mail over SMTP from 127.0.0.1, which James lets relay (authorizedAddresses).
     * Returns the Message-ID it set once James answered 250 to the end of DATA; throws if James refused the mail.
     */
    public String sendMail(String from, List<String> recipients, String subject, String body) throws MessagingException {
        return submitter.send(from, recipients, subject, body);
    }

    /** Submits a message exactly as given (headers and body) to the given envelope. */
    public void sendRawMessage(String from, List<String> recipients, String rawMessage) throws MessagingException {
        submitter.sendRaw(from, recipients, rawMessage);
    }

    /**
     * Stops James (bounded: fails after 60 s) and deletes its working directory, unless the builder was given one
     * (that one is the caller's).
     */
    public void stop() {
        try {
            stopWithin(server, STOP_TIMEOUT);
        } finally {
            if (ownsWorkingDirectory) {
                deleteRecursively(workingDirectory);
            }
        }
    }

    @Override
    public void close() {
        stop();
    }

    private static void stopWithin(GuiceJamesServer server, Duration timeout) {
        AtomicReference<RuntimeException> failure = new AtomicReference<>();
        Thread stopper = new Thread(() -> {
            try {
                server.stop();
            } catch (RuntimeException e) {
                failure.set(e);
            }
        }, "james-stopper");
        stopper.setDaemon(true);
        stopper.start();
        try {
            stopper.join(timeout.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while stopping James", e);
        }
        if (stopper.isAlive()) {
            throw new IllegalStateException("James did not stop within " + timeout.toSeconds() + "s");
        }
        if (failure.get() != null) {
            throw failure.get();
        }
    }

    private static void deleteRecursively(Path directory) {
        try {
            MoreFiles.deleteRecursively(directory, RecursiveDeleteOption.ALLOW_INSECURE);
        } catch (IOException e) {
            LOGGER.warn("could not delete James' working directory {}", directory, e);
        }
    }

    public static final class Builder {
        private final List<Consumer<JamesConfFolder>> edits = new ArrayList<>();
        private final List<Module> overrides = new ArrayList<>();
        private Path workingDirectory;

        private Builder() {
        }

        /**
         * James' working directory: kept when James stops, so that the next James started on it finds {@code var/}
         * as this one left it. Its {@code conf/} is written anew at each start. Default: a temporary directory of
         * its own, deleted when James stops.
         */
        public Builder workingDirectory(Path directory) {
            this.workingDirectory = directory;
            return this;
        }

        /** A Guice module whose bindings replace those of the memory server, e.g. {@link ActiveMQMailQueueModule}. */
        public Builder overrideModule(Module module) {
            overrides.add(module);
            return this;
        }

        /** The content of {@code conf/delivery-routes.xml}. */
        public Builder routesXml(String xml) {
            return confFile("delivery-routes.xml", xml);
        }

        /** Writes a file into the configuration folder, e.g. {@code delivery-routes-secrets.properties}. */
        public Builder confFile(String fileName, String content) {
            edits.add(conf -> conf.write(fileName, content));
            return this;
        }

        /** Sets {@code key=value} in a properties file of the configuration folder, e.g. webadmin.properties. */
        public Builder property(String fileName, String key, String value) {
            edits.add(conf -> conf.setProperty(fileName, key, value));
            return this;
        }

        /** Sets (or adds) a parameter of the TieredRemoteDelivery mailet in mailetcontainer.xml. */
        public Builder mailetParameter(String name, String value) {
            edits.add(conf -> conf.setDeliveryMailetParameter(name, value));
            return this;
        }

        /** Removes a parameter of the TieredRemoteDelivery mailet; fails if the mailet has none of that name. */
        public Builder removeMailetParameter(String name) {
            edits.add(conf -> conf.removeDeliveryMailetParameter(name));
            return this;
        }

        /** Any other change of an XML file of the configuration folder, applied after the edits above. */
        public Builder editXml(String fileName, Consumer<Document> edit) {
            edits.add(conf -> conf.editXml(fileName, edit));
            return this;
        }

        /**
         * Boots James and returns once it is started. A start-up failure is thrown as James threw it (after James
         * was stopped and its working directory deleted, unless it was given).
         */
        public TieredJames start() throws Exception {
            boolean ownsWorkingDirectory = this.workingDirectory == null;
            Path workingDirectory = ownsWorkingDirectory ? Files.createTempDirectory("tiered-james-") : this.workingDirectory;
            GuiceJamesServer server = null;
            try {
                if (!ownsWorkingDirectory) {
                    Files.createDirectories(workingDirectory);
                    if (Files.exists(workingDirectory.resolve("conf"))) {
                        MoreFiles.deleteRecursively(workingDirectory.resolve("conf"), RecursiveDeleteOption.ALLOW_INSECURE);
                    }
                }
                JamesConfFolder conf = JamesConfFolder.copyOf(sourceConfDirectory(), workingDirectory.resolve("conf"));
                conf.bindSmtpListeners(LOOPBACK + ":0");
                conf.setProperty("webadmin.properties", "host", LOOPBACK);
                conf.setProperty("webadmin.properties", "port", "0");
                edits.forEach(edit -> edit.accept(conf));
                server = createServer(workingDirectory, conf, overrides);
                server.start();
                TieredJames james = new TieredJames(server, workingDirectory, ownsWorkingDirectory);
                LOGGER.info("James started in {}: SMTP on port {}, WebAdmin on port {}",
                    workingDirectory, james.smtpPort(), james.webAdminPort());
                return james;
            } catch (Exception | Error e) {
                try {
                    if (server != null) {
                        stopWithin(server, STOP_TIMEOUT);
                    }
                } catch (RuntimeException stopFailure) {
                    e.addSuppressed(stopFailure);
                } finally {
                    if (ownsWorkingDirectory) {
                        deleteRecursively(workingDirectory);
                    }
                }
                throw e;
            }
        }

        private static GuiceJamesServer createServer(Path workingDirectory, JamesConfFolder conf, List<Module> overrides) {
            // As MemoryJamesServerMain.main: jvm.properties become system properties, then the same modules except
            // JMXServerModule. conf/ disables JMX anyway, and James 3.8.1 registers that module's MBeans in the
            // platform MBean server even then but unregisters them only when JMX is on: the next James in this JVM
            // would fail with InstanceAlreadyExistsException.
            System.setProperty(ExtraProperties.OVERRIDE_PROPERTY, conf.directory().resolve("jvm.properties").toString());
            ExtraProperties.initialize();
            MemoryJamesConfiguration configuration = MemoryJamesConfiguration.builder()
                .workingDirectory(workingDirectory.toFile())
                .configurationPath(new ConfigurationPath(FileSystem.FILE_PROTOCOL_AND_CONF))
                .build();
            return MemoryJamesServerMain.createServer(configuration)
                .combineWith(new FakeSearchMailboxModule(), TieredDeliveryProbe.MODULE)
                .overrideWith(ImmutableList.<Module>builder().add(RunArgumentsModule.EMPTY).addAll(overrides).build());
        }

        private static Path sourceConfDirectory() {
            String confDir = System.getProperty(CONF_DIR_PROPERTY);
            if (confDir == null) {
                throw new IllegalStateException("system property " + CONF_DIR_PROPERTY + " must name the project's conf/"
                    + " folder (it-tests/pom.xml sets it for surefire)");
            }
            return Path.of(confDir);
        }
    }
}
