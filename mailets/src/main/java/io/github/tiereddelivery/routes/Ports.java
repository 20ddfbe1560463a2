package io.github.tiereddelivery.routes;

/** TCP port numbers as written in routes. */
public final class Ports {
    public static final int MIN = 1;
    public static final int MAX = 65535;
    static final String RULE = "port must be a whole number from 1 to 65535, e.g. port=\"2525\"";

    private Ports() {
    }

    public static boolean isValid(int port) {
        return port >= MIN && port <= MAX;
    }
}
