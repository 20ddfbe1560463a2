package io.github.tiereddelivery.delivery;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

import javax.mail.MessagingException;

import org.apache.james.queue.api.MailQueueName;
import org.apache.james.transport.mailets.remote.delivery.Delay;
import org.apache.james.transport.mailets.remote.delivery.DelaysAndMaxRetry;
import org.apache.mailet.MailetConfig;
import org.apache.mailet.ProcessingState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.google.common.base.Splitter;
import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSet;
import com.google.common.net.HostAndPort;
import com.google.common.net.InetAddresses;

import io.github.tiereddelivery.delivery.ParameterReader.NamedValue;
import io.github.tiereddelivery.pool.PoolLimits;
import reactor.core.scheduler.Schedulers;

/**
 * The parameters of {@code TieredRemoteDelivery}: every parameter of stock RemoteDelivery with its name, meaning and
 * default, plus {@code routes}, {@code dnsServers} and {@code defaultPort} (SPEC), {@code trustStore} and the
 * connection pool's {@code maxConnectionsPerServer}, {@code maxMessagesPerConnection}, {@code connectionIdleTime}. Unlike stock, a value that does not parse
 * stops James with a message naming it instead of silently falling back to a default.
 */
public class DeliveryConfiguration {
    private static final Logger LOGGER = LoggerFactory.getLogger(DeliveryConfiguration.class);

    public static final String DEFAULT_ROUTES = "file://conf/delivery-routes.xml";
    /** Postfix's smtp_connection_reuse_count_limit is unlimited by default; 100 spreads long runs over new sessions. */
    static final int DEFAULT_MAX_MESSAGES_PER_CONNECTION = 100;
    /** Shorter than any server's idle timeout (RFC 5321 4.5.3.2.7 asks for 5 min), longer than gaps in a mail flow. */
    static final int DEFAULT_CONNECTION_IDLE_MILLIS = 5000;
    static final int MAX_CONNECTION_IDLE_MILLIS = 300_000;
    /**
     * How long a message waits for a server whose connections are all in use before that server counts as busy: long
     * enough for a pipelined transaction to end on a loaded server, short enough that a backlog for a slow server,
     * cycling through the queue, keeps the delivery threads free for other routes (1 s let another route's mail wait
     * 13 to 19 s behind 200 mails for a server answering in 300 ms).
     */
    static final Duration BUSY_WAIT = Duration.ofMillis(100);
    /** How long mail that only met busy servers waits in the queue before its next attempt (not counted as a retry). */
    public static final Duration BUSY_SERVER_DELAY = Duration.ofSeconds(1);
    private static final int SMTP_PORT = 25;
    private static final int SMTPS_PORT = 465;
    /** What stock RemoteDelivery really runs on, whatever deliveryThreads says: Reactor's bounded elastic pool. */
    private static final int STOCK_DELIVERY_THREADS = Schedulers.DEFAULT_BOUNDED_ELASTIC_SIZE;
    /** JavaMail properties with an equivalent in our SMTP client; the others are reported as ignored. */
    private static final Set<String> HONOURED_MAIL_PROPERTIES = ImmutableSet.of(
        "mail.smtp.localhost", "mail.smtp.timeout", "mail.smtp.connectiontimeout", "mail.smtp.ssl.trust",
        "mail.smtps.localhost", "mail.smtps.timeout", "mail.smtps.connectiontimeout", "mail.smtps.ssl.trust");
    private static final Set<String> KNOWN_PARAMETERS = ImmutableSet.of(
        "outgoing", "outgoingQueue", "delayTime", "maxRetries", "maxDnsProblemRetries", "deliveryThreads", "sendpartial",
        "bounceProcessor", "onSuccess", "timeout", "connectiontimeout", "connectionTimeout", "startTLS", "sslEnable",
        "verifyServerIdentity", "heloName", "gateway", "gatewayPort", "gatewayUsername", "gatewayusername",
        "gatewayPassword", "loadBalancing", "debug", "usePriority", "bind", "routes", "dnsServers", "defaultPort",
        "trustStore", "trustStorePassword", "maxConnectionsPerServer", "maxMessagesPerConnection", "connectionIdleTime",
        // handled by James' mailet container for every mailet
        "onMailetException", "onMatchException");

    private final MailQueueName outgoingQueue;
    private final List<Duration> delayTimes;
    private final int maxRetries;
    private final int maxDnsProblemRetries;
    private final int deliveryThreads;
    private final Optional<ProcessingState> bounceProcessor;
    private final Optional<ProcessingState> onSuccess;
    private final Duration smtpTimeout;
    private final Duration connectionTimeout;
    private final boolean startTls;
    private final boolean sslEnable;
    private final boolean verifyServerIdentity;
    private final Optional<String> heloName;
    /** JavaMail's {@code mail.smtp(s).ssl.trust}: "*", or the host names (lower case) whose certificates are taken unverified. */
    private final Set<String> sslTrusted;
    private final List<String> gateway;
    private final Optional<Integer> gatewayPort;
    private final Optional<String> gatewayUsername;
    private final Optional<String> gatewayPassword;
    private final boolean loadBalancing;
    private final boolean debug;
    private final boolean usePriority;
    private final Optional<InetAddress> bind;
    private final String routes;
    private final boolean routesGiven;
    private final List<InetSocketAddress> dnsServers;
    private final int defaultPort;
    private final Optional<String> trustStore;
    private final Optional<String> trustStorePassword;
    private final PoolLimits poolLimits;

    public static DeliveryConfiguration from(MailetConfig config) throws MessagingException {
        return new DeliveryConfiguration(new ParameterReader(config), config);
    }

    private DeliveryConfiguration(ParameterReader parameters, MailetConfig config) throws MessagingException {
        Map<String, NamedValue> mailProperties = mailProperties(config);
        outgoingQueue = MailQueueName.of(parameters.string("outgoing", "outgoingQueue").orElse("outgoing"));
        int intendedMaxRetries = parameters.integer("maxRetries", 5, 0, Integer.MAX_VALUE, "retries before a bounce");
        DelaysAndMaxRetry delays = delays(parameters, intendedMaxRetries);
        maxRetries = delays.getMaxRetries();
        delayTimes = delays.getExpandedDelays();
        maxDnsProblemRetries = parameters.integer("maxDnsProblemRetries", 0, 0, Integer.MAX_VALUE, "retries");
        deliveryThreads = parameters.integer("deliveryThreads", STOCK_DELIVERY_THREADS, 1, 1000, "threads");
        parameters.bool("sendpartial", false);
        bounceProcessor = parameters.string("bounceProcessor").map(ProcessingState::new);
        onSuccess = parameters.string("onSuccess").map(ProcessingState::new);
        smtpTimeout = millis(parameters, Optional.ofNullable(mailProperties.get("timeout"))
            .or(() -> parameters.named("timeout")), 180_000);
        Optional<NamedValue> connectTimeout = parameters.named("connectiontimeout", "connectionTimeout");
        connectionTimeout = millis(parameters, Optional.ofNullable(mailProperties.get("connectiontimeout"))
            .or(() -> connectTimeout), 60_000);
        startTls = parameters.bool("startTLS", false);
        sslEnable = parameters.bool("sslEnable", false);
        verifyServerIdentity = parameters.bool("verifyServerIdentity", true);
        heloName = Optional.ofNullable(mailProperties.get("localhost")).map(NamedValue::value)
            .or(() -> parameters.string("heloName"));
        sslTrusted = Optional.ofNullable(mailProperties.get("trust")).map(NamedValue::value)
            .map(value -> ImmutableSet.copyOf(Splitter.onPattern("\\s+").omitEmptyStrings().split(value.toLowerCase(Locale.ROOT))))
            .orElse(ImmutableSet.of());
        gateway = parameters.string("gateway")
            .map(value -> Splitter.on(',').trimResults().omitEmptyStrings().splitToList(value))
            .orElse(ImmutableList.of());
        gatewayPort = parameters.string("gatewayPort").isPresent()
            ? Optional.of(parameters.integer("gatewayPort", 0, 1, 65535, "TCP port"))
            : Optional.empty();
        gatewayUsername = parameters.string("gatewayUsername", "gatewayusername");
        gatewayPassword = parameters.string("gatewayPassword");
        loadBalancing = parameters.bool("loadBalancing", true);
        debug = parameters.bool("debug", false);
        usePriority = parameters.bool("usePriority", false);
        bind = parameters.ipAddress("bind");
        routes = parameters.string("routes").orElse(DEFAULT_ROUTES);
        routesGiven = parameters.string("routes").isPresent();
        dnsServers = dnsServers(parameters);
        defaultPort = parameters.integer("defaultPort", sslEnable ? SMTPS_PORT : SMTP_PORT, 1, 65535, "TCP port");
        trustStore = parameters.string("trustStore");
        trustStorePassword = parameters.string("trustStorePassword");
        poolLimits = new PoolLimits(
            // Half the threads: a hung server holds at most half of them, the other servers keep the rest.
            parameters.integer("maxConnectionsPerServer", Math.max(1, deliveryThreads / 2), 1, 1000, "connections"),
            parameters.integer("maxMessagesPerConnection", DEFAULT_MAX_MESSAGES_PER_CONNECTION, 1, 1_000_000, "messages"),
            Duration.ofMillis(parameters.integer("connectionIdleTime", DEFAULT_CONNECTION_IDLE_MILLIS, 0,
                MAX_CONNECTION_IDLE_MILLIS, "milliseconds; 0 = a new connection for every message")),
            BUSY_WAIT);
        warnAboutUnusedGatewayParameters();
        warnAboutUnknownParameters(config);
    }

    private static DelaysAndMaxRetry delays(ParameterReader parameters, int intendedMaxRetries) throws MessagingException {
        Optional<String> delayTime = parameters.string("delayTime");
        if (delayTime.isPresent()) {
            // Stock drops the delays it cannot parse with only a warning; we refuse them.
            for (String delay : Splitter.on(',').trimResults().omitEmptyStrings().split(delayTime.get())) {
                try {
                    Delay.from(delay);
                } catch (MessagingException | RuntimeException e) {
                    throw ParameterReader.invalid("delayTime", delayTime.get(), "\"" + delay + "\" is not a delay; "
                        + "write a comma-separated list of [attempts*]duration, e.g. 5000, 2*10 minutes, 3*1 hour");
                }
            }
        }
        return DelaysAndMaxRetry.from(intendedMaxRetries, delayTime.orElse(null));
    }

    /** Milliseconds; a value that does not parse is reported under the name it was given as. */
    private static Duration millis(ParameterReader parameters, Optional<NamedValue> value, int defaultValue)
            throws InvalidParameterException {
        if (value.isEmpty()) {
            return Duration.ofMillis(defaultValue);
        }
        return Duration.ofMillis(parameters.integer(value.get().name(), value.get().value(), 1, Integer.MAX_VALUE, "milliseconds"));
    }

    private static List<InetSocketAddress> dnsServers(ParameterReader parameters) throws InvalidParameterException {
        Optional<String> value = parameters.string("dnsServers");
        if (value.isEmpty()) {
            return ImmutableList.of();
        }
        List<InetSocketAddress> servers = new ArrayList<>();
        for (String server : Splitter.on(',').trimResults().omitEmptyStrings().split(value.get())) {
            HostAndPort hostAndPort;
            try {
                hostAndPort = HostAndPort.fromString(server).withDefaultPort(53);
            } catch (IllegalArgumentException e) {
                throw ParameterReader.invalid("dnsServers", value.get(), "\"" + server + "\" is not a host with an "
                    + "optional port; write e.g. 127.0.0.1:5353, 192.0.2.53, [2001:db8::53]:53 or ns1.example.net");
            }
            servers.add(new InetSocketAddress(dnsServerAddress(hostAndPort.getHost(), value.get()), hostAndPort.getPort()));
        }
        return ImmutableList.copyOf(servers);
    }

    /** An IP address as it is; a host name through the system's resolver, once, at start (SPEC: host[:port]). */
    private static InetAddress dnsServerAddress(String host, String value) throws InvalidParameterException {
        if (InetAddresses.isInetAddress(host)) {
            return InetAddresses.forString(host);
        }
        try {
            return InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            throw ParameterReader.invalid("dnsServers", value, "the DNS server name \"" + host + "\" has no address; "
                + "write its IP address instead, e.g. 127.0.0.1:5353");
        }
    }

    /** {@code mail.smtp.X} and {@code mail.smtps.X} by X, for the JavaMail properties we honour. */
    /** The honoured {@code mail.*} parameters by their last name part ({@code timeout}, {@code trust}, …). */
    private static Map<String, NamedValue> mailProperties(MailetConfig config) {
        Map<String, NamedValue> honoured = new TreeMap<>();
        for (String name : ImmutableList.copyOf(config.getInitParameterNames())) {
            if (!name.startsWith("mail.")) {
                continue;
            }
            if (HONOURED_MAIL_PROPERTIES.contains(name)) {
                honoured.put(name.substring(name.lastIndexOf('.') + 1), new NamedValue(name, config.getInitParameter(name).trim()));
            } else {
                LOGGER.warn("TieredRemoteDelivery ignores the JavaMail property <{}>: it has its own SMTP client, which "
                    + "honours only {} (see README, 'Mailet parameters')", name, HONOURED_MAIL_PROPERTIES);
            }
        }
        return honoured;
    }

    private void warnAboutUnusedGatewayParameters() {
        if (gateway.isEmpty() && (gatewayUsername.isPresent() || gatewayPort.isPresent())) {
            LOGGER.warn("TieredRemoteDelivery: gatewayPort/gatewayUsername are set without <gateway>; they are not used");
        }
    }

    /**
     * Unknown names are logged and ignored, as stock ignores them, unless they look like a misspelt known parameter
     * ({@code <route>}, {@code <maxretries>}): James refuses to start then, since the intended setting would silently
     * fall back to its default (SPEC: a configuration error never silently delivers somewhere else).
     */
    private static void warnAboutUnknownParameters(MailetConfig config) throws InvalidParameterException {
        for (String name : ImmutableList.copyOf(config.getInitParameterNames())) {
            if (name.startsWith("mail.") || KNOWN_PARAMETERS.contains(name)) {
                continue;
            }
            Optional<String> meant = KNOWN_PARAMETERS.stream()
                .filter(known -> looksMisspelt(name, known))
                .findFirst();
            if (meant.isPresent()) {
                throw new InvalidParameterException("TieredRemoteDelivery has no parameter <" + name + ">: did you mean <"
                    + meant.get() + ">? Parameter names are case-sensitive; rename it (or remove it)");
            }
            LOGGER.warn("TieredRemoteDelivery ignores the unknown parameter <{}>; known parameters are {}", name, KNOWN_PARAMETERS);
        }
    }

    /** The same name in another case, or (for names of 5 letters or more) one or two letters off. */
    static boolean looksMisspelt(String name, String known) {
        if (name.equalsIgnoreCase(known)) {
            return true;
        }
        return known.length() >= 5 && editDistance(name.toLowerCase(Locale.ROOT), known.toLowerCase(Locale.ROOT)) <= 2;
    }

    /** Levenshtein distance: insertions, deletions and substitutions. */
    private static int editDistance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }

    public MailQueueName outgoingQueue() {
        return outgoingQueue;
    }

    /**
     * The delay before retry number n (1-based): the n-th of {@code delayTime} as stock expands it to {@code maxRetries}
     * entries; past them, the last one (stock's 6 hours when the list is empty).
     */
    public Duration delayBeforeRetry(int retry) {
        if (delayTimes.isEmpty()) {
            return Delay.DEFAULT_DELAY_TIME;
        }
        // Retries past maxRetries (temporary DNS failures wait for maxDnsProblemRetries) wait as long as the last one.
        return delayTimes.get(Math.min(Math.max(retry, 1), delayTimes.size()) - 1);
    }

    public int maxRetries() {
        return maxRetries;
    }

    public int maxDnsProblemRetries() {
        return maxDnsProblemRetries;
    }

    public int deliveryThreads() {
        return deliveryThreads;
    }

    public Optional<ProcessingState> bounceProcessor() {
        return bounceProcessor;
    }

    public Optional<ProcessingState> onSuccess() {
        return onSuccess;
    }

    public Duration smtpTimeout() {
        return smtpTimeout;
    }

    public Duration connectionTimeout() {
        return connectionTimeout;
    }

    public boolean startTls() {
        return startTls;
    }

    public boolean sslEnable() {
        return sslEnable;
    }

    public boolean verifyServerIdentity() {
        return verifyServerIdentity;
    }

    /**
     * JavaMail's {@code mail.smtp(s).ssl.trust}, for {@code sslEnable}: {@code *} trusts every server's certificate,
     * a whitespace-separated list of host names trusts those servers' certificates, unverified.
     */
    public boolean sslTrusts(String host) {
        return sslTrusted.contains("*") || sslTrusted.contains(host.toLowerCase(Locale.ROOT));
    }

    public Optional<String> heloName() {
        return heloName;
    }

    public List<String> gateway() {
        return gateway;
    }

    public Optional<Integer> gatewayPort() {
        return gatewayPort;
    }

    public Optional<String> gatewayUsername() {
        return gatewayUsername;
    }

    public Optional<String> gatewayPassword() {
        return gatewayPassword;
    }

    public boolean loadBalancing() {
        return loadBalancing;
    }

    public boolean debug() {
        return debug;
    }

    public boolean usePriority() {
        return usePriority;
    }

    public Optional<InetAddress> bind() {
        return bind;
    }

    public String routes() {
        return routes;
    }

    /** False when {@code routes} was left out: a missing default file then means "no routes", not an error. */
    public boolean routesGiven() {
        return routesGiven;
    }

    public List<InetSocketAddress> dnsServers() {
        return dnsServers;
    }

    public int defaultPort() {
        return defaultPort;
    }

    /** Where the certificates to trust for verified TLS are (a PKCS12 or JKS key store); default: the JVM's. */
    public Optional<String> trustStore() {
        return trustStore;
    }

    public Optional<String> trustStorePassword() {
        return trustStorePassword;
    }

    /** {@code maxConnectionsPerServer}, {@code maxMessagesPerConnection}, {@code connectionIdleTime}. */
    public PoolLimits poolLimits() {
        return poolLimits;
    }
}
