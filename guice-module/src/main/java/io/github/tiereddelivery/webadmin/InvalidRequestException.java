package io.github.tiereddelivery.webadmin;

import java.util.Objects;
import java.util.Optional;

/**
 * Bad input to {@code /delivery-routes}: answered 400 in James' WebAdmin error format, nothing written.
 *
 * @see #field() the field (or path parameter) that is wrong, e.g. {@code hosts[0].preference}
 */
final class InvalidRequestException extends Exception {
    private static final long serialVersionUID = 1L;

    private final String field;
    /** Null when there is nothing to add (an exception's fields stay serializable). */
    private final String details;

    InvalidRequestException(String field, String problem) {
        this(field, problem, Optional.empty());
    }

    InvalidRequestException(String field, String problem, Optional<String> details) {
        super(field + ": " + Objects.requireNonNull(problem, "problem"));
        this.field = Objects.requireNonNull(field, "field");
        this.details = details.orElse(null);
    }

    String field() {
        return field;
    }

    /** What was received, or the JSON parser's own words, when they help. */
    Optional<String> details() {
        return Optional.ofNullable(details);
    }
}
