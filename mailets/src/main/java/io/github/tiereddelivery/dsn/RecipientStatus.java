package io.github.tiereddelivery.dsn;

import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Why delivery to one recipient failed (or was delayed), as a bounce reports it in the recipient's
 * RFC 3464 §2.3 fields.
 *
 * @param status         RFC 3463 status code: class 2, 4 or 5, subject and detail 0-999, e.g. "5.1.1" or "4.4.1"
 * @param diagnosticType RFC 3464 diagnostic-type: {@value #SMTP} when {@code diagnostic} is a server reply, else
 *                       {@value #TIERED_DELIVERY}
 * @param diagnostic     the server reply, e.g. "550 5.1.1 &lt;bob@acme.test&gt;: user unknown", or what went wrong,
 *                       e.g. "connect to mail1.acme.test[127.0.0.2]:25: Connection refused"; may be empty
 * @param remoteMta      host name of the server that gave the reply, e.g. "mail1.acme.test"
 */
public record RecipientStatus(String status, String diagnosticType, String diagnostic, Optional<String> remoteMta) {
    public static final String SMTP = "smtp";
    public static final String TIERED_DELIVERY = "X-Tiered-Delivery";

    private static final Pattern STATUS_CODE = Pattern.compile("[245]\\.\\d{1,3}\\.\\d{1,3}");
    // RFC 3464 §2.3.6: diagnostic-type is an atom; registered names and X- names use these characters.
    private static final Pattern DIAGNOSTIC_TYPE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9-]*");
    // RFC 5321 §4.2 reply line, optionally with an RFC 2034 enhanced status code after the reply code.
    private static final Pattern SMTP_REPLY = Pattern.compile(
        "^(\\d{3})(?:[ -]|$)(?:([245]\\.\\d{1,3}\\.\\d{1,3})(?=\\s|$))?");

    public RecipientStatus {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(diagnosticType, "diagnosticType");
        Objects.requireNonNull(diagnostic, "diagnostic");
        Objects.requireNonNull(remoteMta, "remoteMta");
        if (!isStatusCode(status)) {
            throw new IllegalArgumentException("'" + status + "' is not an RFC 3463 status code: expected class.subject.detail"
                + " with class 2, 4 or 5 and subject and detail 0-999, e.g. 5.1.1");
        }
        if (!DIAGNOSTIC_TYPE.matcher(diagnosticType).matches()) {
            throw new IllegalArgumentException("'" + diagnosticType + "' is not an RFC 3464 diagnostic type:"
                + " expected letters, digits and '-', e.g. smtp or " + TIERED_DELIVERY);
        }
        if (remoteMta.filter(host -> host.isBlank()).isPresent()) {
            throw new IllegalArgumentException("remote MTA must be a host name, not blank: use Optional.empty() when unknown");
        }
    }

    /**
     * The status of a recipient the server refused (or deferred) with an SMTP reply. The status is the reply's
     * enhanced status code when it has one whose class matches the reply code's first digit, else "5.0.0", "4.0.0"
     * or "2.0.0" from that digit (as Postfix does).
     *
     * @param code           the reply code, 2xx, 4xx or 5xx
     * @param enhancedStatus the RFC 2034 enhanced status code the server sent, if any
     * @param replyText      the reply as received, starting with its code (e.g. "550 5.1.1 &lt;bob@acme.test&gt;: user
     *                       unknown"; lines of a multi-line reply may be joined by line breaks); when it does not start
     *                       with the code, the code is put in front
     * @param remoteMta      host name of the server that replied
     */
    public static RecipientStatus fromSmtpReply(int code, Optional<String> enhancedStatus, String replyText, Optional<String> remoteMta) {
        Objects.requireNonNull(enhancedStatus, "enhancedStatus");
        Objects.requireNonNull(replyText, "replyText");
        char statusClass = replyClass(code);
        String status = enhancedStatus
            .filter(RecipientStatus::isStatusCode)
            .filter(enhanced -> enhanced.charAt(0) == statusClass)
            .orElse(statusClass + ".0.0");
        String reply = replyText.strip();
        String diagnostic = reply.startsWith(String.valueOf(code)) ? reply : (code + " " + reply).strip();
        return new RecipientStatus(status, SMTP, diagnostic, remoteMta);
    }

    /**
     * The status of a failure that is not a server reply (connection refused, DNS, time-out...).
     *
     * @param status     RFC 3463 status code, e.g. "4.4.1"
     * @param diagnostic what went wrong, e.g. "connect to mail1.acme.test[127.0.0.2]:25: Connection refused"
     */
    public static RecipientStatus of(String status, String diagnostic) {
        return new RecipientStatus(status, TIERED_DELIVERY, diagnostic, Optional.empty());
    }

    /**
     * Reads an SMTP reply kept as text, such as the {@code delivery-error} attribute stock RemoteDelivery writes
     * ("550 5.7.1 relay denied").
     *
     * @return the reply's status, or empty when the text does not start with a 2xx, 4xx or 5xx reply code
     */
    public static Optional<RecipientStatus> parseSmtpReply(String replyText) {
        Matcher reply = SMTP_REPLY.matcher(replyText.strip());
        if (!reply.find() || !"245".contains(reply.group(1).substring(0, 1))) {
            return Optional.empty();
        }
        return Optional.of(fromSmtpReply(Integer.parseInt(reply.group(1)), Optional.ofNullable(reply.group(2)),
            replyText, Optional.empty()));
    }

    /** Whether {@code candidate} is an RFC 3463 status code this class accepts. */
    public static boolean isStatusCode(String candidate) {
        return STATUS_CODE.matcher(candidate).matches();
    }

    private static char replyClass(int code) {
        char first = String.valueOf(code).charAt(0);
        if (code < 200 || code > 599 || first == '3') {
            throw new IllegalArgumentException("SMTP reply code " + code + " cannot be a delivery status:"
                + " only 2xx, 4xx and 5xx replies can");
        }
        return first;
    }
}
