package io.github.tiereddelivery.routes;

import java.net.IDN;
import java.util.Locale;

import com.google.common.net.InetAddresses;

/**
 * Validation and canonical forms of the names and IP addresses written in routes: domain names in lower-case
 * A-label (ASCII) form, so that routes and recipients compare equal however they were written.
 */
final class HostNames {
    /** RFC 1035 section 2.3.4. */
    private static final int MAX_LABEL_LENGTH = 63;
    /** RFC 1035 section 2.3.4 (255 octets on the wire = 253 characters as text). */
    private static final int MAX_NAME_LENGTH = 253;
    /** Label separators recognised by IDNA (RFC 3490 section 3.1). */
    private static final String LABEL_SEPARATORS = "[.\u3002\uFF0E\uFF61]";

    private HostNames() {
    }

    /**
     * The lower-case A-label form of a domain name made of LDH labels (RFC 1123 section 2.1), U-labels converted
     * with {@link IDN#toASCII(String)}.
     *
     * @throws IllegalArgumentException naming what is wrong with the name
     */
    static String toALabel(String name) {
        if (name.isEmpty()) {
            throw invalid(name, "it is empty");
        }
        if (name.endsWith(".")) {
            throw invalid(name, "it ends with a dot; remove the trailing dot");
        }
        StringBuilder ascii = new StringBuilder(name.length());
        for (String label : name.split(LABEL_SEPARATORS, -1)) {
            if (ascii.length() > 0) {
                ascii.append('.');
            }
            ascii.append(labelToAscii(name, label));
        }
        if (ascii.length() > MAX_NAME_LENGTH) {
            throw invalid(name, "it is longer than " + MAX_NAME_LENGTH + " characters");
        }
        String lastLabel = ascii.substring(ascii.lastIndexOf(".") + 1);
        if (lastLabel.chars().allMatch(c -> c >= '0' && c <= '9')) {
            // RFC 3696 section 2: a top-level domain is never all-numeric; this is an IP address or a typo.
            throw invalid(name, "its last label \"" + lastLabel + "\" is all digits, so it is not a domain name");
        }
        return ascii.toString();
    }

    /**
     * The lower-case A-label form of a recipient's domain for look-ups; never fails: a domain that cannot be
     * converted (an address literal, say) is returned lower-cased, and then matches no name-based route.
     */
    static String lookupForm(String domain) {
        if (isAscii(domain)) {
            return domain.toLowerCase(Locale.ROOT);
        }
        try {
            return IDN.toASCII(domain).toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException notAnIdn) {
            return domain.toLowerCase(Locale.ROOT);
        }
    }

    /** Whether the text is an IPv4 or IPv6 address (without brackets); never asks DNS. */
    static boolean isIpAddress(String text) {
        return text.indexOf('%') < 0 && InetAddresses.isInetAddress(text);
    }

    /**
     * The canonical text of an IP address (RFC 5952 for IPv6).
     *
     * @throws IllegalArgumentException when the text is not an IP address
     */
    static String canonicalIpAddress(String text) {
        if (!isIpAddress(text)) {
            throw new IllegalArgumentException("\"" + text + "\" is not an IP address; write it like 192.0.2.7 "
                + "or 2001:db8::1");
        }
        return InetAddresses.toAddrString(InetAddresses.forString(text));
    }

    private static String labelToAscii(String name, String label) {
        if (label.isEmpty()) {
            throw invalid(name, "it has an empty label (a leading dot or two dots in a row)");
        }
        for (int i = 0; i < label.length(); i++) {
            char c = label.charAt(i);
            if (c < 0x80 && !isLetterDigitHyphen(c)) {
                throw invalid(name, "it contains " + describe(c) + "; names use only letters, digits, hyphens "
                    + "and dots");
            }
        }
        String ascii;
        try {
            ascii = isAscii(label) ? label : IDN.toASCII(label);
        } catch (IllegalArgumentException e) {
            throw invalid(name, "label \"" + label + "\" has no valid ASCII (A-label) form: " + e.getMessage());
        }
        ascii = ascii.toLowerCase(Locale.ROOT);
        if (ascii.length() > MAX_LABEL_LENGTH) {
            throw invalid(name, "label \"" + label + "\" is longer than " + MAX_LABEL_LENGTH + " characters");
        }
        if (ascii.startsWith("-") || ascii.endsWith("-")) {
            throw invalid(name, "label \"" + label + "\" starts or ends with a hyphen");
        }
        if (ascii.startsWith("xn--") && IDN.toUnicode(ascii).equals(ascii)) {
            // IDN.toUnicode returns its input unchanged when the punycode does not decode (RFC 3490 section 4.2).
            throw invalid(name, "label \"" + label + "\" starts with xn-- but is not valid punycode");
        }
        return ascii;
    }

    private static boolean isLetterDigitHyphen(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-';
    }

    private static String describe(char c) {
        if (c == ' ') {
            return "a space";
        }
        if (Character.isISOControl(c) || Character.isWhitespace(c)) {
            return String.format("the control character U+%04X", (int) c);
        }
        return "\"" + c + "\"";
    }

    private static boolean isAscii(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }

    private static IllegalArgumentException invalid(String name, String reason) {
        return new IllegalArgumentException("\"" + name + "\" is not a valid domain name: " + reason);
    }
}
