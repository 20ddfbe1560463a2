package io.github.tiereddelivery.smtp;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * One RCPT TO: the address (without angle brackets) and the parameters sent after it, verbatim
 * (e.g. "NOTIFY=FAILURE", "ORCPT=rfc822;bob@acme.test").
 */
public record EnvelopeRecipient(String address, List<String> rcptParameters) {

    public EnvelopeRecipient {
        requireNonNull(address, "address");
        if (address.isEmpty()) {
            throw new IllegalArgumentException("a recipient address must not be empty");
        }
        Envelope.requireNoLineBreak(address, "recipient address");
        rcptParameters = Envelope.checkedParameters(rcptParameters, "RCPT");
    }

    public static EnvelopeRecipient of(String address) {
        return new EnvelopeRecipient(address, List.of());
    }
}
