package io.github.tiereddelivery.routes;

/** TCP port numbers as written in routes. */
final class Ports {
    static final int MIN = 1;
    static final int MAX = 65535;
    static final String RULE = "port must be a whole number from 1 to 65535, e.g. port=\"2525\"";

    private Ports() {
    }

    static boolean isValid(int port) {
        return port >= MIN && port <= MAX;
    }
}
