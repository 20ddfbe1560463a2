package io.github.tiereddelivery.smtp;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A complete SMTP reply (RFC 5321 4.2): a code and one text per reply line.
 *
 * @param code  the three-digit reply code, 200..599
 * @param lines the text after the code and its separator, one entry per reply line (at least one, maybe empty)
 */
public record SmtpReply(int code, List<String> lines) {

    /** RFC 3463 status code "class.subject.detail" at the start of the text (RFC 2034 section 4). */
    private static final Pattern ENHANCED_STATUS = Pattern.compile("^([245])\\.\\d{1,3}\\.\\d{1,3}(?=\\s|$)");

    public SmtpReply {
        if (code < 200 || code > 599) {
            throw new IllegalArgumentException("SMTP reply code must be 200..599, got " + code);
        }
        lines = List.copyOf(lines);
        if (lines.isEmpty()) {
            throw new IllegalArgumentException("an SMTP reply has at least one line");
        }
    }

    public static SmtpReply of(int code, String... lines) {
        return new SmtpReply(code, lines.length == 0 ? List.of("") : List.of(lines));
    }

    /** 2xx. */
    public boolean isPositive() {
        return code / 100 == 2;
    }

    /** 4xx: transient negative completion. */
    public boolean isTransient() {
        return code / 100 == 4;
    }

    /** 5xx: permanent negative completion. */
    public boolean isPermanent() {
        return code / 100 == 5;
    }

    /**
     * The server's limit of recipients per transaction (RFC 5321 4.5.3.1.10): 452, or 552 from older servers, with RFC
     * 3463's X.5.3 "too many recipients" or those words. Not a verdict on the recipient: it goes in a next transaction.
     */
    public boolean refusesForTooManyRecipients() {
        if (code != 452 && code != 552) {
            return false;
        }
        return enhancedStatus().filter(status -> status.endsWith(".5.3")).isPresent()
            || String.join(" ", lines).toLowerCase(Locale.ROOT).contains("too many recipients");
    }

    /**
     * The enhanced status code (RFC 3463) that starts the first line, e.g. "5.1.1"; empty when there is none or when
     * its class does not match the reply code (RFC 2034 section 4 requires them to agree).
     */
    public Optional<String> enhancedStatus() {
        Matcher matcher = ENHANCED_STATUS.matcher(lines.get(0));
        if (matcher.find() && matcher.group(1).charAt(0) - '0' == code / 100) {
            return Optional.of(matcher.group());
        }
        return Optional.empty();
    }

    /**
     * The reply as the server sent it, its lines joined with a space, e.g.
     * "550 5.1.1 &lt;bob@acme.test&gt;: user unknown" or "550-5.7.1 first 550 5.7.1 second" (the form Postfix puts
     * into a DSN's Diagnostic-Code).
     */
    public String asString() {
        List<String> sent = new ArrayList<>(lines.size());
        for (int i = 0; i < lines.size(); i++) {
            boolean last = i == lines.size() - 1;
            String text = lines.get(i);
            sent.add(last && text.isEmpty() ? String.valueOf(code) : code + (last ? " " : "-") + text);
        }
        return String.join(" ", sent);
    }

    @Override
    public String toString() {
        return asString();
    }
}
