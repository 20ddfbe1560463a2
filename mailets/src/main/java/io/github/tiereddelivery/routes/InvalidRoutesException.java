package io.github.tiereddelivery.routes;

import java.util.List;

/**
 * A routes file that cannot be used. The message lists every problem found, one per line, each naming the file,
 * the line, the element or attribute, what is wrong and how to fix it.
 */
public class InvalidRoutesException extends Exception {
    private static final long serialVersionUID = 1L;

    private final String sourceName;
    private final List<String> problems;

    public InvalidRoutesException(String sourceName, List<String> problems) {
        super(String.join("\n", problems));
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("an invalid routes file has at least one problem");
        }
        this.sourceName = sourceName;
        this.problems = List.copyOf(problems);
    }

    /** The file (or other source) that was read. */
    public String sourceName() {
        return sourceName;
    }

    /** One message per problem, in file order. */
    public List<String> problems() {
        return problems;
    }
}
