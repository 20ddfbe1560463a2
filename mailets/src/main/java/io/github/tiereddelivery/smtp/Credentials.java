package io.github.tiereddelivery.smtp;

import static java.util.Objects.requireNonNull;

/** SMTP AUTH user name and password. {@link #toString()} never shows the password. */
public record Credentials(String username, String password) {

    public Credentials {
        requireNonNull(username, "username");
        requireNonNull(password, "password");
        if (username.isEmpty()) {
            throw new IllegalArgumentException("the SMTP AUTH user name must not be empty");
        }
    }

    @Override
    public String toString() {
        return "Credentials[username=" + username + ", password=****]";
    }
}
