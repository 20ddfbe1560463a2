package io.github.tiereddelivery.mailets;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import javax.inject.Inject;
import javax.mail.MessagingException;
import javax.net.ssl.SSLContext;

import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.james.core.MailAddress;
import org.apache.james.domainlist.api.DomainList;
import org.apache.james.filesystem.api.FileSystem;
import org.apache.james.metrics.api.MetricFactory;
import org.apache.james.queue.api.MailPrioritySupport;
import org.apache.james.queue.api.MailQueue;
import org.apache.james.queue.api.MailQueueFactory;
import org.apache.james.server.core.configuration.ConfigurationProvider;
import org.apache.james.smtpserver.netty.SMTPServerFactory;
import org.apache.james.transport.mailets.remote.delivery.HeloNameProvider;
import org.apache.mailet.Mail;
import org.apache.mailet.ProcessingState;
import org.apache.mailet.base.GenericMailet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.google.common.collect.ImmutableList;
import com.google.common.net.InetAddresses;

import io.github.tiereddelivery.delivery.Balancer;
import io.github.tiereddelivery.delivery.Bouncer;
import io.github.tiereddelivery.delivery.DeliveryConfiguration;
import io.github.tiereddelivery.delivery.DeliveryMetrics;
import io.github.tiereddelivery.delivery.DeliveryRegistry;
import io.github.tiereddelivery.delivery.DeliveryRunnable;
import io.github.tiereddelivery.delivery.DeliveryTarget;
import io.github.tiereddelivery.delivery.GatewayRoute;
import io.github.tiereddelivery.delivery.MailDelivrer;
import io.github.tiereddelivery.delivery.MailDelivrerToServer;
import io.github.tiereddelivery.delivery.OwnListeners;
import io.github.tiereddelivery.delivery.RecentPlans;
import io.github.tiereddelivery.delivery.RoutePlanner;
import io.github.tiereddelivery.delivery.RoutesFile;
import io.github.tiereddelivery.delivery.RoutesFiles;
import io.github.tiereddelivery.delivery.Router;
import io.github.tiereddelivery.delivery.ServerHealth;
import io.github.tiereddelivery.delivery.ServerSelector;
import io.github.tiereddelivery.delivery.TrustStore;
import io.github.tiereddelivery.dns.DnsResolver;
import io.github.tiereddelivery.dns.JamesDnsServers;
import io.github.tiereddelivery.pool.ConnectionPool;
import io.github.tiereddelivery.routes.Route;
import io.github.tiereddelivery.routes.RouteKey;
import io.github.tiereddelivery.smtp.Credentials;

/**
 * A drop-in replacement for James' RemoteDelivery that delivers each recipient through its route of
 * {@code conf/delivery-routes.xml}: tiers of servers by preference, balanced inside a tier, failing over to the next
 * tier. Recipients without a route are delivered as stock does (gateway parameter, else RFC 5321 MX).
 *
 * <p>Like stock, {@link #service} splits the mail by target and puts each part into the outgoing queue; the
 * {@link DeliveryRunnable} takes them out and delivers.
 */
public class TieredRemoteDelivery extends GenericMailet {
    private static final Logger LOGGER = LoggerFactory.getLogger(TieredRemoteDelivery.class);
    /** As stock: {@code name-to-domain}; ours is {@code name-to-<route key or domain>}. */
    private static final String NAME_JUNCTION = "-to-";

    private final DomainList domainList;
    private final MailQueueFactory<?> queueFactory;
    private final FileSystem fileSystem;
    private final SMTPServerFactory smtpServers;
    private final ServerHealth health;
    private final RoutesFiles routesFiles;
    private final DeliveryRegistry registry;
    private final MetricFactory metricFactory;
    private final ConfigurationProvider jamesConfiguration;

    private DeliveryConfiguration configuration;
    private RoutesFile routesFile;
    private DeliveryRegistry.Engine engine;
    private MailQueue queue;
    private Router router;
    private DeliveryRunnable deliveryRunnable;
    private ConnectionPool connectionPool;

    @Inject
    public TieredRemoteDelivery(DomainList domainList, MailQueueFactory<?> queueFactory, FileSystem fileSystem,
                                SMTPServerFactory smtpServers, ServerHealth health, RoutesFiles routesFiles,
                                DeliveryRegistry registry, MetricFactory metricFactory, ConfigurationProvider jamesConfiguration) {
        this.domainList = domainList;
        this.queueFactory = queueFactory;
        this.fileSystem = fileSystem;
        this.smtpServers = smtpServers;
        this.health = health;
        this.routesFiles = routesFiles;
        this.registry = registry;
        this.metricFactory = metricFactory;
        this.jamesConfiguration = jamesConfiguration;
    }

    @Override
    public void init() throws MessagingException {
        configuration = DeliveryConfiguration.from(getMailetConfig());
        routesFile = routesFiles.acquire(routesPath(), configuration.routesGiven());
        Optional<Route> gateway = GatewayRoute.from(configuration);
        if (gateway.isPresent() && routesFile.routes().routes().stream().anyMatch(route -> route.key() instanceof RouteKey.Default)) {
            LOGGER.warn("TieredRemoteDelivery: the routes file has a default route (domain=\"*\"), so the gateway parameter "
                + "is never used");
        }
        router = new Router(routesFile::routes, gateway);
        Optional<Credentials> gatewayCredentials = GatewayRoute.credentials(configuration);
        DnsResolver dns = DnsResolver.using(dnsServers());
        RoutePlanner planner = new RoutePlanner(dns, configuration.defaultPort(),
            // The gateway route is this one object: found by identity, not by comparing routes per message.
            route -> gateway.filter(gatewayRoute -> gatewayRoute == route).isPresent() ? gatewayCredentials : routesFile.credentials(route));
        HeloNameProvider heloName = new HeloNameProvider(configuration.heloName().orElse(null), domainList);
        OwnListeners ownListeners = OwnListeners.of(smtpServers);
        engine = new DeliveryRegistry.Engine(getMailetConfig().getMailetName() + "/" + configuration.outgoingQueue().asString(),
            routesFile, router, planner, ownListeners, new RecentPlans());
        connectionPool = ConnectionPool.create(configuration.poolLimits());
        MailDelivrer delivrer = new MailDelivrer(engine, new ServerSelector(new Balancer(), health), health,
            new MailDelivrerToServer(configuration, heloName::getHeloName, ownListeners, getMailetContext(),
                trustedCertificates(), connectionPool, health),
            new DeliveryMetrics(metricFactory),
            configuration.maxDnsProblemRetries());
        queue = queueFactory.createQueue(configuration.outgoingQueue());
        deliveryRunnable = new DeliveryRunnable(queue, configuration, delivrer,
            new Bouncer(configuration.bounceProcessor(), getMailetContext()), getMailetContext());
        deliveryRunnable.start();
        registry.register(engine);
        LOGGER.info("TieredRemoteDelivery: {} routes from {}, queue {}, {} delivery threads, {}, DNS servers {}",
            routesFile.routes().routes().size(), routesFile.path(), configuration.outgoingQueue().asString(),
            configuration.deliveryThreads(), configuration.poolLimits(), dns.servers().stream()
                .map(server -> InetAddresses.toUriString(server.getAddress()) + ":" + server.getPort())
                .collect(Collectors.joining(", ")));
    }

    /** {@code dnsServers}, else those of James' own resolver (conf/dnsservice.xml), as stock RemoteDelivery asks them. */
    private List<InetSocketAddress> dnsServers() throws MessagingException {
        if (!configuration.dnsServers().isEmpty()) {
            return configuration.dnsServers();
        }
        try {
            return JamesDnsServers.from(jamesConfiguration.getConfiguration("dnsservice"));
        } catch (ConfigurationException e) {
            throw new MessagingException("TieredRemoteDelivery takes its DNS servers from James' dnsservice.xml (no "
                + "dnsServers parameter), which James cannot read: " + e.getMessage(), e);
        }
    }

    private Optional<SSLContext> trustedCertificates() throws MessagingException {
        if (configuration.trustStore().isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(TrustStore.load(fileSystem.getFile(jamesLocation(configuration.trustStore().get())),
                configuration.trustStorePassword().orElse("")));
        } catch (FileNotFoundException e) {
            throw new MessagingException("TieredRemoteDelivery parameter <trustStore>" + configuration.trustStore().get()
                + "</trustStore>: no such file (" + e.getMessage() + "); write e.g. file://conf/trusted-servers.p12");
        }
    }

    /**
     * A location as James' FileSystem takes it ({@code file://conf/…}, {@code classpath:…}); a plain absolute path, what
     * most would write, is a file there (James would look it up on the class path).
     */
    private static String jamesLocation(String value) {
        return !value.contains(":") && value.startsWith("/") ? "file://" + value : value;
    }

    private Path routesPath() throws MessagingException {
        try {
            return fileSystem.getFile(jamesLocation(configuration.routes())).toPath();
        } catch (FileNotFoundException | InvalidPathException e) {
            throw new MessagingException("TieredRemoteDelivery parameter <routes>" + configuration.routes() + "</routes>: "
                + "James cannot resolve this location (" + e.getMessage() + "); write e.g. file://conf/delivery-routes.xml");
        }
    }

    @Override
    public void service(Mail mail) throws MessagingException {
        if (configuration.usePriority()) {
            mail.setAttribute(MailPrioritySupport.HIGH_PRIORITY_ATTRIBUTE);
        }
        if (mail.getRecipients().isEmpty()) {
            LOGGER.debug("Mail {} from {} has no recipients and cannot be delivered remotely", mail.getName(), mail.getMaybeSender());
        } else {
            enqueueByTarget(mail);
        }
        mail.setState(Mail.GHOST);
    }

    /**
     * One queued part per target, named {@code original-to-target} whatever the name was before, so that neither splits
     * nor retries grow the name (James refuses names that grew too often as loops).
     */
    private void enqueueByTarget(Mail mail) throws MessagingException {
        String originalName = originalName(mail.getName());
        List<Map.Entry<DeliveryTarget, List<MailAddress>>> parts = ImmutableList.copyOf(router.group(mail.getRecipients()).entrySet());
        for (int i = 0; i < parts.size(); i++) {
            mail.setRecipients(parts.get(i).getValue());
            mail.setName(originalName + NAME_JUNCTION + parts.get(i).getKey().key());
            try {
                queue.enQueue(mail);
            } catch (MailQueue.MailQueueException e) {
                // What was not queued stays with the mail, which James moves to its error processor.
                mail.setRecipients(parts.subList(i, parts.size()).stream()
                    .flatMap(part -> part.getValue().stream())
                    .collect(ImmutableList.toImmutableList()));
                mail.setName(originalName);
                throw e;
            }
        }
    }

    private static String originalName(String name) {
        int junction = name.indexOf(NAME_JUNCTION);
        return junction < 0 ? name : name.substring(0, junction);
    }

    @Override
    public void destroy() {
        if (engine != null) {
            registry.unregister(engine);
        }
        if (routesFile != null) {
            routesFiles.release(routesFile);
        }
        if (deliveryRunnable != null) {
            deliveryRunnable.dispose();
        }
        if (connectionPool != null) {
            // After the workers: the connections they still used are closed as their leases end.
            connectionPool.close();
        }
        if (queue != null) {
            try {
                queue.close();
            } catch (IOException e) {
                LOGGER.debug("error closing queue", e);
            }
        }
    }

    @Override
    public Collection<ProcessingState> requiredProcessingState() {
        return Stream.of(configuration.bounceProcessor(), configuration.onSuccess())
            .flatMap(Optional::stream)
            .collect(ImmutableList.toImmutableList());
    }

    @Override
    public String getMailetInfo() {
        return "TieredRemoteDelivery Mailet";
    }
}
