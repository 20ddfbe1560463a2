package io.github.tiereddelivery.dsn;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

import org.apache.mailet.DsnParameters.Notify;

/** The RFC 3464 §2.3.3 action a bounce reports, with what goes with it. */
public enum DsnAction {
    FAILED(Notify.FAILURE, '5', "Undelivered Mail Returned to Sender",
        "I'm sorry to have to inform you that your message could not be delivered to one or more recipients."),
    DELAYED(Notify.DELAY, '4', "Delayed Mail (still being retried)",
        "Your message could not be delivered yet to one or more recipients. Delivery will be retried; you do not need to resend it."),
    DELIVERED(Notify.SUCCESS, '2', "Successful Mail Delivery Report",
        "Your message was delivered to the following recipients."),
    RELAYED(Notify.SUCCESS, '2', "Successful Mail Delivery Report",
        "Your message was relayed to the following recipients; their mail systems may not send further notifications."),
    EXPANDED(Notify.SUCCESS, '2', "Successful Mail Delivery Report",
        "Your message was delivered to the following recipients, which are lists or aliases.");

    private final Notify notifyCondition;
    private final char statusClass;
    private final String subject;
    private final String explanation;

    DsnAction(Notify notifyCondition, char statusClass, String subject, String explanation) {
        this.notifyCondition = notifyCondition;
        this.statusClass = statusClass;
        this.subject = subject;
        this.explanation = explanation;
    }

    /** Reads an action name as DSNBounce's {@code action} parameter takes it, in any case. */
    public static Optional<DsnAction> parse(String name) {
        return Arrays.stream(values())
            .filter(action -> action.fieldValue().equalsIgnoreCase(name.strip()))
            .findFirst();
    }

    /** The value of the {@code Action:} field, e.g. "failed". */
    public String fieldValue() {
        return name().toLowerCase(Locale.US);
    }

    /** The RFC 3461 §4.1 NOTIFY keyword under which a recipient asked for this kind of report. */
    public Notify notifyCondition() {
        return notifyCondition;
    }

    /** "5.0.0", "4.0.0" or "2.0.0": the status to report when nothing more precise is known. */
    public String unspecifiedStatus() {
        return statusClass + ".0.0";
    }

    /** Whether the report gives a Diagnostic-Code: failures and delays say why, success reports do not (as DSNBounce). */
    public boolean reportsDiagnostic() {
        return this == FAILED || this == DELAYED;
    }

    public String subject() {
        return subject;
    }

    public String explanation() {
        return explanation;
    }
}
