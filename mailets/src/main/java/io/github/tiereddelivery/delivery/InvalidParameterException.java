package io.github.tiereddelivery.delivery;

import javax.mail.MessagingException;

/** A mailet parameter James cannot start with; the message names the parameter, the value and the fix. */
public class InvalidParameterException extends MessagingException {
    public InvalidParameterException(String message) {
        super(message);
    }
}
