package io.github.tiereddelivery.webadmin;

import java.util.Objects;
import java.util.Optional;

/**
 * Bad input to {@code /delivery-routes}: answered 400 in James' WebAdmin error format, nothing written.
 *
 * @see #field() the field (or path parameter) that is wrong, e.g. {@code hosts[0].preference}
 */
public class InvalidRequestException extends Exception {
    private static final long serialVersionUID = 1L;

    private final String field;
    private final String problem;
    private final Optional<String> details;

    public InvalidRequestException(String field, String problem) {
        this(field, problem, Optional.empty());
    }

    public InvalidRequestException(String field, String problem, Optional<String> details) {
        super(field + ": " + problem);
        this.field = Objects.requireNonNull(field, "field");
        this.problem = Objects.requireNonNull(problem, "problem");
        this.details = Objects.requireNonNull(details, "details");
    }

    public String field() {
        return field;
    }

    /** What is wrong and how to write it, without the field name. */
    public String problem() {
        return problem;
    }

    /** What was received, or the JSON parser's own words, when they help. */
    public Optional<String> details() {
        return details;
    }
}
