package io.github.tiereddelivery.delivery;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;

import javax.mail.MessagingException;

import io.github.tiereddelivery.routes.Route;
import io.github.tiereddelivery.routes.RouteTable;
import io.github.tiereddelivery.smtp.Credentials;

/**
 * SMTP AUTH credentials of routes with {@code auth="NAME"}, from {@code delivery-routes-secrets.properties} beside the
 * routes file ({@code NAME.username}, {@code NAME.password}), so that the routes file itself holds no password.
 */
public final class RouteSecrets {
    public static final String FILE_NAME = "delivery-routes-secrets.properties";

    private final Map<String, Credentials> byName;

    private RouteSecrets(Map<String, Credentials> byName) {
        this.byName = byName;
    }

    public static RouteSecrets none() {
        return new RouteSecrets(Map.of());
    }

    /** Loads the credentials every route of the table names; a name without both entries stops James. */
    public static RouteSecrets load(Path file, RouteTable routes) throws MessagingException {
        List<Route> withAuth = routes.routes().stream().filter(route -> route.auth().isPresent()).toList();
        if (withAuth.isEmpty()) {
            return none();
        }
        Properties properties = read(file, withAuth);
        Map<String, Credentials> byName = new TreeMap<>();
        List<String> problems = new ArrayList<>();
        for (Route route : withAuth) {
            String name = route.auth().get();
            String username = properties.getProperty(name + ".username");
            String password = properties.getProperty(name + ".password");
            if (username == null || password == null) {
                problems.add(route.describe() + " has auth=\"" + name + "\" but " + file + " lacks " + name + ".username and/or "
                    + name + ".password; add both lines");
            } else {
                byName.put(name, new Credentials(username, password));
            }
        }
        if (!problems.isEmpty()) {
            throw new MessagingException("TieredRemoteDelivery cannot use the credentials of " + file + ":\n"
                + String.join("\n", problems));
        }
        return new RouteSecrets(byName);
    }

    private static Properties read(Path file, List<Route> withAuth) throws MessagingException {
        if (!Files.exists(file)) {
            throw new MessagingException("TieredRemoteDelivery has no credentials: " + withAuth.get(0).describe() + " has auth=\""
                + withAuth.get(0).auth().get() + "\" but " + file + " does not exist; create it with the lines NAME.username=… "
                + "and NAME.password=… and make it readable by James only");
        }
        Properties properties = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            properties.load(in);
        } catch (IOException | IllegalArgumentException e) {
            throw new MessagingException("TieredRemoteDelivery cannot read " + file + ": " + e.getMessage(), e);
        }
        return properties;
    }

    public Optional<Credentials> forRoute(Route route) {
        return route.auth().map(byName::get);
    }
}
