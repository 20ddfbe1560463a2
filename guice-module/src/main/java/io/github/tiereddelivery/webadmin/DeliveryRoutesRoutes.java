package io.github.tiereddelivery.webadmin;

import java.io.IOException;
import java.net.IDN;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import javax.inject.Inject;
import javax.mail.internet.AddressException;

import org.apache.james.core.MailAddress;
import org.apache.james.webadmin.Routes;
import org.apache.james.webadmin.authentication.AuthenticationFilter;
import org.apache.james.webadmin.utils.ErrorResponder;
import org.apache.james.webadmin.utils.JsonTransformer;
import org.apache.james.webadmin.utils.Responses;
import org.eclipse.jetty.http.HttpStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.github.tiereddelivery.delivery.DeliveryRegistry;
import io.github.tiereddelivery.delivery.RoutesFile;
import io.github.tiereddelivery.delivery.ServerHealth;
import io.github.tiereddelivery.delivery.UneditableRoutesFileException;
import io.github.tiereddelivery.routes.InvalidRoutesException;
import io.github.tiereddelivery.routes.Route;
import io.github.tiereddelivery.routes.RouteKey;
import spark.HaltException;
import spark.Request;
import spark.Response;
import spark.Service;

/**
 * WebAdmin {@code /delivery-routes} (SPEC "WebAdmin"): the routes of the running TieredRemoteDelivery mailet, read and
 * written in its routes file, a dry run, and the health memory of the servers. A {@link Routes}, not a public one:
 * James' WebAdmin authentication (JWT when enabled) applies. Loaded by {@code extensions.routes} in
 * {@code webadmin.properties}.
 *
 * <p>The routes file is the one of the first TieredRemoteDelivery mailet James started (the one of every mailet when
 * they share it, as they normally do). Writes are serialized, atomic, and in force for the next delivery attempt.
 */
public class DeliveryRoutesRoutes implements Routes {
    public static final String BASE_PATH = "/delivery-routes";
    private static final String DOMAIN = "domain";
    private static final String RECIPIENT = "recipient";
    private static final String FORM_CONTENT_TYPE = "application/x-www-form-urlencoded";
    private static final String JSON_CONTENT_TYPE = "application/json";
    private static final String SEND_JSON = "send JSON, e.g. curl -X PUT -H 'Content-Type: application/json' "
        + "-d '{\"hosts\":[{\"host\":\"mail1.acme.test\"}]}' …";
    private static final Logger LOGGER = LoggerFactory.getLogger(DeliveryRoutesRoutes.class);

    /** How a handler gets the route key out of the request path. */
    private interface KeyReader {
        RouteKey read(Request request) throws InvalidRequestException;
    }

    private final DeliveryRegistry registry;
    private final ServerHealth health;
    private final JsonTransformer json;
    private final Clock clock;
    private final DryRun dryRun;
    private final MailQueueListingGuard queueListingGuard;

    @Inject
    public DeliveryRoutesRoutes(DeliveryRegistry registry, ServerHealth health, JsonTransformer json,
                                MailQueueListingGuard queueListingGuard) {
        this.registry = registry;
        this.queueListingGuard = queueListingGuard;
        this.health = health;
        this.json = json;
        this.clock = Clock.systemUTC();
        this.dryRun = new DryRun(health, clock);
    }

    @Override
    public String getBasePath() {
        return BASE_PATH;
    }

    @Override
    public void define(Service service) {
        service.get(BASE_PATH, (request, response) -> allRoutes(), json);
        defineRoutesOf(service, BASE_PATH + "/domains/:domain", DeliveryRoutesRoutes::domainKey);
        defineRoutesOf(service, BASE_PATH + "/recipients/:address", DeliveryRoutesRoutes::recipientKey);
        service.get(BASE_PATH + "/resolve", (request, response) -> resolve(request), json);
        service.get(BASE_PATH + "/health", (request, response) -> serverHealth(), json);
        service.delete(BASE_PATH + "/health", this::forgetServerHealth);
        service.exception(InvalidRequestException.class, (exception, request, response) -> {
            response.status(HttpStatus.BAD_REQUEST_400);
            response.body(badRequest(exception).asString());
        });
        queueListingGuard.install(service);
    }

    private void defineRoutesOf(Service service, String path, KeyReader keys) {
        service.get(path, (request, response) -> route(keys.read(request)), json);
        service.put(path, (request, response) -> putRoute(keys.read(request), request, response));
        service.delete(path, (request, response) -> deleteRoute(keys.read(request), request, response));
    }

    private List<RouteBody> allRoutes() {
        return routesFile().routes().routes().stream().map(RouteBody::withKey).toList();
    }

    private RouteBody route(RouteKey key) {
        return routesFile().routes().find(key).map(RouteBody::of).orElseThrow(() -> noRoute(key));
    }

    private String putRoute(RouteKey key, Request request, Response response) throws InvalidRequestException {
        Route route = RouteRequestReader.read(key, body(request));
        RoutesFile file = routesFile();
        try {
            file.put(route);
        } catch (UneditableRoutesFileException e) {
            throw uneditable(file, e);
        } catch (InvalidRoutesException e) {
            throw new InvalidRequestException("route", "the routes file would not be valid with this route; nothing was "
                + "written", Optional.of(String.join("; ", e.problems())));
        } catch (IOException e) {
            throw unwritable(file, e);
        }
        LOGGER.info("WebAdmin{}: route {} put into {}", who(request), key.asString(), file.path());
        return Responses.returnNoContent(response);
    }

    /**
     * The request body, JSON. A body sent as a form (curl's {@code -d} without a JSON content type) is taken apart as
     * form fields by Jetty before any route sees it: that is said, rather than "empty". A body of another declared
     * type (text/plain, XML, multipart) is refused for its type; a body without Content-Type is read as JSON.
     */
    private static byte[] body(Request request) throws InvalidRequestException {
        Optional<String> type = Optional.ofNullable(request.contentType()).map(String::strip).filter(t -> !t.isEmpty());
        String mediaType = type.map(t -> t.split(";", 2)[0].strip().toLowerCase(Locale.ROOT)).orElse(JSON_CONTENT_TYPE);
        if (mediaType.equals(FORM_CONTENT_TYPE)) {
            throw new InvalidRequestException("body", "sent as a form (Content-Type: " + FORM_CONTENT_TYPE + ", the default "
                + "of curl -d), which James reads as form fields; " + SEND_JSON);
        }
        if (!mediaType.equals(JSON_CONTENT_TYPE) && !mediaType.endsWith("+json")) {
            throw new InvalidRequestException("body", "sent as " + type.orElseThrow() + "; a route is JSON: " + SEND_JSON);
        }
        return request.bodyAsBytes();
    }

    private String deleteRoute(RouteKey key, Request request, Response response) {
        RoutesFile file = routesFile();
        boolean removed;
        try {
            removed = file.remove(key);
        } catch (UneditableRoutesFileException e) {
            throw uneditable(file, e);
        } catch (InvalidRoutesException e) {
            throw ErrorResponder.builder()
                .statusCode(HttpStatus.CONFLICT_409)
                .type(ErrorResponder.ErrorType.WRONG_STATE)
                .message("the routes file would not be valid without the route " + key.asString() + "; nothing was written")
                .cause(e)
                .haltError();
        } catch (IOException e) {
            throw unwritable(file, e);
        }
        if (!removed) {
            throw noRoute(key);
        }
        LOGGER.info("WebAdmin{}: route {} deleted from {}", who(request), key.asString(), file.path());
        return Responses.returnNoContent(response);
    }

    private DryRunReport resolve(Request request) throws InvalidRequestException {
        String recipient = Optional.ofNullable(request.queryParams(RECIPIENT))
            .orElseThrow(() -> new InvalidRequestException(RECIPIENT, "missing; ask e.g. /delivery-routes/resolve?recipient=user@acme.test"));
        try {
            return dryRun.resolve(engine(), new MailAddress(withALabelDomain(recipient)));
        } catch (AddressException | IllegalArgumentException e) {
            throw new InvalidRequestException(RECIPIENT, "not an e-mail address; write it like user@acme.test",
                Optional.ofNullable(e.getMessage()));
        }
    }

    /** user@müller.test as user@xn--mller-kva.test: James' addresses take the ASCII form only (no SMTPUTF8 in 3.8.1). */
    private static String withALabelDomain(String address) {
        int at = address.lastIndexOf('@');
        String domain = address.substring(at + 1);
        if (at < 0 || domain.chars().allMatch(c -> c < 128)) {
            return address;
        }
        return address.substring(0, at + 1) + IDN.toASCII(domain, IDN.ALLOW_UNASSIGNED);
    }

    private List<ServerHealthBody> serverHealth() {
        return health.statuses().stream().map(status -> ServerHealthBody.of(status, clock.instant())).toList();
    }

    private String forgetServerHealth(Request request, Response response) {
        health.forget();
        LOGGER.info("WebAdmin{}: the health memory of the servers was cleared; every server is up again", who(request));
        return Responses.returnNoContent(response);
    }

    /** {@code *}, {@code *.initech.test} or a domain, as in the routes file's {@code domain} attribute. */
    static RouteKey domainKey(Request request) throws InvalidRequestException {
        String domain = request.params(DOMAIN);
        try {
            return RouteKey.ofDomain(domain);
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException(DOMAIN, e.getMessage());
        }
    }

    static RouteKey recipientKey(Request request) throws InvalidRequestException {
        try {
            return RouteKey.ofRecipient(request.params("address"));
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException(RECIPIENT, e.getMessage());
        }
    }

    private RoutesFile routesFile() {
        return engine().routesFile();
    }

    /** The first TieredRemoteDelivery mailet James started; James starts the mailets before WebAdmin serves. */
    private DeliveryRegistry.Engine engine() {
        return registry.engines().stream().findFirst().orElseThrow(() -> ErrorResponder.builder()
            .statusCode(HttpStatus.SERVICE_UNAVAILABLE_503)
            .type(ErrorResponder.ErrorType.WRONG_STATE)
            .message("no TieredRemoteDelivery mailet is running in this James (see mailetcontainer.xml); "
                + "/delivery-routes manages the routes file of the running mailet")
            .haltError());
    }

    private static ErrorResponder badRequest(InvalidRequestException e) {
        ErrorResponder error = ErrorResponder.builder()
            .statusCode(HttpStatus.BAD_REQUEST_400)
            .type(ErrorResponder.ErrorType.INVALID_ARGUMENT)
            .message(e.getMessage());
        e.details().ifPresent(details -> error.cause(new IllegalArgumentException(details)));
        return error;
    }

    private static HaltException noRoute(RouteKey key) {
        return ErrorResponder.builder()
            .statusCode(HttpStatus.NOT_FOUND_404)
            .type(ErrorResponder.ErrorType.NOT_FOUND)
            .message("no route for " + key.asString())
            .haltError();
    }

    private static HaltException uneditable(RoutesFile file, UneditableRoutesFileException e) {
        return ErrorResponder.builder()
            .statusCode(HttpStatus.CONFLICT_409)
            .type(ErrorResponder.ErrorType.WRONG_STATE)
            .message("the routes file " + file.path() + " on disk is refused, invalid or deleted (the previous routes stay "
                + "in force); fix it first, nothing was written")
            .cause(e)
            .haltError();
    }

    private static HaltException unwritable(RoutesFile file, IOException e) {
        LOGGER.error("WebAdmin: cannot write the routes file {}", file.path(), e);
        return ErrorResponder.builder()
            .statusCode(HttpStatus.INTERNAL_SERVER_ERROR_500)
            .type(ErrorResponder.ErrorType.SERVER_ERROR)
            .message("cannot write the routes file " + file.path() + ": " + e)
            .haltError();
    }

    private static String who(Request request) {
        return Optional.ofNullable(request.attribute(AuthenticationFilter.LOGIN)).map(login -> " (" + login + ")").orElse("");
    }
}
