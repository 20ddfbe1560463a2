package io.github.tiereddelivery.webadmin;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;

import io.github.tiereddelivery.routes.Balancing;
import io.github.tiereddelivery.routes.Destination;
import io.github.tiereddelivery.routes.HostSpec;
import io.github.tiereddelivery.routes.Ports;
import io.github.tiereddelivery.routes.Route;
import io.github.tiereddelivery.routes.RouteKey;
import io.github.tiereddelivery.routes.TlsPolicy;

/**
 * Reads the body of {@code PUT /delivery-routes/domains/…} and {@code …/recipients/…} into a route:
 * <pre>
 * {"hosts":[{"host":"mail1.acme.test","port":25,"preference":10,"weight":1}],"balancing":"random"}
 * {"mx":"delivery.acme.test","port":25}
 * </pre>
 * plus the optional {@code tls} and {@code auth} of the routes file. The values are checked by the same classes that
 * check the routes file ({@link HostSpec}, {@link Destination}, {@link Balancing}, {@link TlsPolicy}, {@link Route});
 * this class adds what JSON needs: types, unknown and repeated fields, and which field is wrong.
 *
 * <p>Whatever the bytes, the answer is a route or an {@link InvalidRequestException}. The JSON is read as a stream and
 * refused at the first unexpected token, so hostile nesting costs nothing.
 */
final class RouteRequestReader {
    static final int MAX_BODY_BYTES = 64 * 1024;
    private static final int MAX_SHOWN = 60;
    private static final JsonFactory JSON = new JsonFactory();

    private static final Pattern XML_ATTRIBUTE = Pattern.compile("\\b([a-z]+)=\"([^\"]*)\"");
    private static final String ROUTE_FIELDS = "a route takes hosts or mx, and optionally port, balancing, tls and auth";
    private static final String HOST_FIELDS = "a host takes host, and optionally port, preference and weight";
    private static final String PORT_RULE = "must be a whole number from " + Ports.MIN + " to " + Ports.MAX + ", e.g. 25";
    private static final String PREFERENCE_RULE = "must be a whole number from " + HostSpec.MIN_PREFERENCE + " to "
        + HostSpec.MAX_PREFERENCE + " (lower = tried first), e.g. 10";
    private static final String WEIGHT_RULE = "must be a whole number from " + HostSpec.MIN_WEIGHT + " to "
        + HostSpec.MAX_WEIGHT + " (the server's share of the load with \"balancing\":\"weighted\"), e.g. 3";
    private static final String EXAMPLE = "{\"hosts\":[{\"host\":\"mail1.acme.test\",\"preference\":10}]} or "
        + "{\"mx\":\"delivery.acme.test\"}";

    private final JsonParser json;

    private RouteRequestReader(JsonParser json) {
        this.json = json;
    }

    /**
     * @param key  the route's key, from the request path
     * @param body the request body, JSON in UTF-8 (or UTF-16/32, detected)
     */
    static Route read(RouteKey key, byte[] body) throws InvalidRequestException {
        if (body.length > MAX_BODY_BYTES) {
            throw new InvalidRequestException("body", "larger than " + MAX_BODY_BYTES / 1024 + " KiB; a route is far smaller");
        }
        try (JsonParser parser = JSON.createParser(body)) {
            return new RouteRequestReader(parser).route(key);
        } catch (JsonProcessingException e) {
            throw new InvalidRequestException("body", "malformed JSON; send an object like " + EXAMPLE,
                Optional.of(abbreviated(e.getOriginalMessage()) + where(e.getLocation())));
        } catch (IOException e) {
            throw new InvalidRequestException("body", "unreadable JSON; send UTF-8 text like " + EXAMPLE,
                Optional.ofNullable(e.getMessage()));
        }
    }

    private Route route(RouteKey key) throws IOException, InvalidRequestException {
        JsonToken first = json.nextToken();
        if (first != JsonToken.START_OBJECT) {
            throw new InvalidRequestException("body", first == null ? "empty; send a JSON object like " + EXAMPLE
                : "must be a JSON object like " + EXAMPLE, Optional.ofNullable(first).map(this::received));
        }
        Optional<List<HostSpec>> hosts = Optional.empty();
        Optional<String> mx = Optional.empty();
        OptionalInt port = OptionalInt.empty();
        Optional<String> balancing = Optional.empty();
        Optional<String> tls = Optional.empty();
        Optional<String> auth = Optional.empty();
        Set<String> seen = new HashSet<>();
        while (json.nextToken() == JsonToken.FIELD_NAME) {
            String name = json.currentName();
            JsonToken value = json.nextToken();
            if (!seen.add(name)) {
                throw new InvalidRequestException(abbreviated(name), "given twice; give each field once");
            }
            switch (name) {
                case "hosts" -> hosts = hosts(value);
                case "mx" -> mx = string("mx", value, "the host name whose MX records list the servers, e.g. \"delivery.acme.test\"");
                case "port" -> port = wholeNumber("port", value, Ports.MIN, Ports.MAX, PORT_RULE);
                case "balancing" -> balancing = string("balancing", value, "\"random\", \"round-robin\" or \"weighted\"");
                case "tls" -> tls = string("tls", value, "\"none\", \"opportunistic\" or \"required\"");
                case "auth" -> auth = string("auth", value, "the NAME of credentials in delivery-routes-secrets.properties, e.g. \"acme\"");
                default -> throw new InvalidRequestException(abbreviated(name), "unknown field; " + ROUTE_FIELDS);
            }
        }
        JsonToken after = json.nextToken();
        if (after != null) {
            throw new InvalidRequestException("body", "has more after the JSON object; send one object", Optional.of(received(after)));
        }
        return new Route(key, destination(hosts, mx),
            understand("balancing", balancing, Balancing::parse).orElse(Balancing.RANDOM),
            port,
            understand("tls", tls, TlsPolicy::parse),
            understand("auth", auth, RouteRequestReader::authName),
            0);
    }

    private static Destination destination(Optional<List<HostSpec>> hosts, Optional<String> mx) throws InvalidRequestException {
        if (hosts.isPresent() && mx.isPresent()) {
            throw new InvalidRequestException("mx", "a route has either hosts or mx, not both; remove one");
        }
        if (mx.isPresent()) {
            return understand("mx", mx, Destination.MxOf::new).orElseThrow();
        }
        if (hosts.isEmpty()) {
            throw new InvalidRequestException("hosts", "missing; a route needs hosts (its servers) or mx (a host name whose "
                + "MX records list them), e.g. " + EXAMPLE);
        }
        return understand("hosts", hosts, Destination.Hosts::new).orElseThrow();
    }

    private Optional<List<HostSpec>> hosts(JsonToken value) throws IOException, InvalidRequestException {
        if (value == JsonToken.VALUE_NULL) {
            return Optional.empty();
        }
        if (value != JsonToken.START_ARRAY) {
            throw new InvalidRequestException("hosts", "must be a list of servers, e.g. [{\"host\":\"mail1.acme.test\"}]",
                Optional.of(received(value)));
        }
        List<HostSpec> hosts = new ArrayList<>();
        for (JsonToken element = json.nextToken(); element != JsonToken.END_ARRAY; element = json.nextToken()) {
            String field = "hosts[" + hosts.size() + "]";
            if (element != JsonToken.START_OBJECT) {
                throw new InvalidRequestException(field, "must be an object like {\"host\":\"mail1.acme.test\",\"preference\":10}",
                    Optional.of(received(element)));
            }
            hosts.add(host(field));
        }
        return Optional.of(hosts);
    }

    private HostSpec host(String field) throws IOException, InvalidRequestException {
        Optional<String> server = Optional.empty();
        OptionalInt port = OptionalInt.empty();
        OptionalInt preference = OptionalInt.empty();
        OptionalInt weight = OptionalInt.empty();
        Set<String> seen = new HashSet<>();
        while (json.nextToken() == JsonToken.FIELD_NAME) {
            String name = json.currentName();
            JsonToken value = json.nextToken();
            if (!seen.add(name)) {
                throw new InvalidRequestException(field + "." + abbreviated(name), "given twice; give each field once");
            }
            switch (name) {
                case "host" -> server = string(field + ".host", value, "a host name or an IP address, e.g. \"mail1.acme.test\" or \"192.0.2.7\"");
                case "port" -> port = wholeNumber(field + ".port", value, Ports.MIN, Ports.MAX, PORT_RULE);
                case "preference" -> preference = wholeNumber(field + ".preference", value, HostSpec.MIN_PREFERENCE,
                    HostSpec.MAX_PREFERENCE, PREFERENCE_RULE);
                case "weight" -> weight = wholeNumber(field + ".weight", value, HostSpec.MIN_WEIGHT, HostSpec.MAX_WEIGHT, WEIGHT_RULE);
                default -> throw new InvalidRequestException(field + "." + abbreviated(name), "unknown field; " + HOST_FIELDS);
            }
        }
        if (server.isEmpty()) {
            throw new InvalidRequestException(field + ".host", "missing; name the server, e.g. \"host\":\"mail1.acme.test\"");
        }
        try {
            return HostSpec.ofServer(server.get(), port, preference.orElse(HostSpec.DEFAULT_PREFERENCE),
                weight.orElse(HostSpec.DEFAULT_WEIGHT));
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException(field + ".host", inJson(e.getMessage()));
        }
    }

    /** A string, or nothing for {@code null}. */
    private Optional<String> string(String field, JsonToken value, String expected) throws IOException, InvalidRequestException {
        if (value == JsonToken.VALUE_NULL) {
            return Optional.empty();
        }
        if (value != JsonToken.VALUE_STRING) {
            throw new InvalidRequestException(field, "must be a string: " + expected, Optional.of(received(value)));
        }
        return Optional.of(json.getText());
    }

    /** A JSON integer within {@code min..max}, or nothing for {@code null}. */
    private OptionalInt wholeNumber(String field, JsonToken value, int min, int max, String rule)
        throws IOException, InvalidRequestException {
        if (value == JsonToken.VALUE_NULL) {
            return OptionalInt.empty();
        }
        if (value != JsonToken.VALUE_NUMBER_INT || json.getNumberType() != JsonParser.NumberType.INT
            || json.getIntValue() < min || json.getIntValue() > max) {
            throw new InvalidRequestException(field, rule, Optional.of(received(value)));
        }
        return OptionalInt.of(json.getIntValue());
    }

    /** The value the routes-file rules make of a field; their refusal names the field, its examples in JSON. */
    private static <T, R> Optional<R> understand(String field, Optional<T> value, Function<T, R> rule)
        throws InvalidRequestException {
        try {
            return value.map(rule);
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException(field, inJson(e.getMessage()));
        }
    }

    /** The routes-file rules give examples as XML attributes ({@code balancing="random"}); a JSON client reads {@code "balancing":"random"}. */
    static String inJson(String message) {
        return XML_ATTRIBUTE.matcher(message).replaceAll("\"$1\":\"$2\"");
    }

    private static String authName(String name) {
        Route.checkAuthName(name);
        return name;
    }

    /** For messages: what the body had at the current token. */
    private String received(JsonToken token) {
        try {
            return switch (token) {
                case START_OBJECT -> "got an object";
                case START_ARRAY -> "got a list";
                case VALUE_STRING -> "got the string \"" + abbreviated(json.getText()) + "\"";
                case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "got " + abbreviated(json.getText());
                case VALUE_TRUE, VALUE_FALSE -> "got " + token.asString();
                case VALUE_NULL -> "got null";
                default -> "got " + token;
            };
        } catch (IOException e) {
            return "got " + token;
        }
    }

    private static String where(JsonLocation location) {
        return location == null || location.getLineNr() < 1 ? ""
            : " (line " + location.getLineNr() + ", column " + location.getColumnNr() + ")";
    }

    private static String abbreviated(String text) {
        String shown = String.valueOf(text);
        return shown.length() <= MAX_SHOWN ? shown : shown.substring(0, MAX_SHOWN) + "…";
    }
}
