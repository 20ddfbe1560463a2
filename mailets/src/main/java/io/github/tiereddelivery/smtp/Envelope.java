package io.github.tiereddelivery.smtp;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The SMTP envelope of one transaction. The client sends exactly what it is given; it adds no parameters.
 *
 * @param reversePath    the MAIL FROM address without angle brackets; "" for the null sender &lt;&gt;
 * @param mailParameters MAIL FROM parameters, e.g. "BODY=8BITMIME", "SIZE=1234", "RET=HDRS", "ENVID=x"
 * @param recipients     at least one, no address twice
 */
public record Envelope(String reversePath, List<String> mailParameters, List<EnvelopeRecipient> recipients) {

    public Envelope {
        requireNonNull(reversePath, "reversePath");
        requireNoLineBreak(reversePath, "reverse path");
        mailParameters = checkedParameters(mailParameters, "MAIL");
        recipients = List.copyOf(recipients);
        if (recipients.isEmpty()) {
            throw new IllegalArgumentException("an envelope needs at least one recipient");
        }
        Set<String> seen = new HashSet<>();
        for (EnvelopeRecipient recipient : recipients) {
            if (!seen.add(recipient.address())) {
                throw new IllegalArgumentException("recipient " + recipient.address() + " is listed twice");
            }
        }
    }

    /** An envelope without parameters. */
    public static Envelope of(String reversePath, String... recipients) {
        return new Envelope(reversePath, List.of(),
            Arrays.stream(recipients).map(EnvelopeRecipient::of).toList());
    }

    /** Addresses and parameters go into command lines: a line break in them would inject commands. */
    static void requireNoLineBreak(String value, String what) {
        if (value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0) {
            throw new IllegalArgumentException(what + " must not contain line breaks: \"" + value.strip() + "\"");
        }
    }

    static List<String> checkedParameters(List<String> parameters, String command) {
        List<String> copy = List.copyOf(parameters);
        for (String parameter : copy) {
            if (parameter.isEmpty() || parameter.chars().anyMatch(c -> c <= ' ' || c == 127)) {
                throw new IllegalArgumentException(command + " parameter must be a non-empty keyword[=value]"
                    + " without spaces or control characters (RFC 5321 4.1.2), got \"" + parameter.strip() + "\"");
            }
        }
        return copy;
    }
}
