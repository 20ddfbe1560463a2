package io.github.tiereddelivery.routes;

import java.util.Locale;
import java.util.Objects;

/**
 * What a route applies to. Precedence (most specific first): {@link Recipient}, {@link Domain}, the longest
 * {@link Suffix}, {@link Default}. Names are held in lower-case A-label form.
 */
public sealed interface RouteKey {

    /** The key as written in the routes file: {@code it@acme.test}, {@code acme.test}, {@code *.initech.test}, {@code *}. */
    String asString();

    /** "recipient", "domain", "suffix" or "default". */
    String kind();

    /**
     * The key of a {@code domain} attribute: {@code *}, {@code *.parent} or a domain name.
     *
     * @throws IllegalArgumentException saying what is wrong and how to write it
     */
    static RouteKey ofDomain(String value) {
        Objects.requireNonNull(value, "value");
        String domain = value.strip();
        if (domain.equals("*")) {
            return new Default();
        }
        if (domain.indexOf('*') >= 0 && !(domain.startsWith("*.") && domain.indexOf('*', 1) < 0)) {
            throw new IllegalArgumentException("\"" + domain + "\": '*' is allowed only alone (\"*\": every domain) "
                + "or in front of a domain (\"*.acme.test\": every subdomain of acme.test)");
        }
        if (domain.indexOf('@') >= 0) {
            throw new IllegalArgumentException("\"" + domain + "\" is an address, not a domain; use a recipient "
                + "route for one address");
        }
        try {
            return domain.startsWith("*.") ? new Suffix(domain.substring(2)) : new Domain(domain);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage() + "; write a domain like acme.test, *.acme.test "
                + "(every subdomain) or * (every domain)", e);
        }
    }

    /**
     * The key of a {@code recipient} attribute: {@code local@domain}.
     *
     * @throws IllegalArgumentException saying what is wrong and how to write it
     */
    static RouteKey ofRecipient(String value) {
        return new Recipient(value.strip());
    }

    /** One address; compared with the local part lower-cased and the domain in A-label form. */
    record Recipient(String address) implements RouteKey {
        public Recipient {
            Objects.requireNonNull(address, "address");
            int at = address.lastIndexOf('@');
            if (at < 0) {
                throw new IllegalArgumentException("\"" + address + "\" is not an e-mail address (it has no @); "
                    + "write it like it@acme.test");
            }
            String localPart = address.substring(0, at);
            String domain = address.substring(at + 1);
            if (localPart.isEmpty()) {
                throw new IllegalArgumentException("\"" + address + "\" has nothing before the @; write it like "
                    + "it@acme.test");
            }
            if (localPart.equals("*") || domain.indexOf('*') >= 0) {
                throw new IllegalArgumentException("\"" + address + "\": a recipient route is for one address; "
                    + "wildcards belong in domain routes, e.g. domain=\"acme.test\" or domain=\"*.acme.test\"");
            }
            // RFC 5321 qtextSMTP: a quoted local part may hold spaces, never a control character.
            boolean quoted = localPart.startsWith("\"");
            if (localPart.chars().anyMatch(c -> (Character.isWhitespace(c) && !(quoted && c == ' ')) || Character.isISOControl(c))) {
                throw new IllegalArgumentException("\"" + address + "\" contains a space or control character; "
                    + "write it like it@acme.test");
            }
            String problem = localPartProblem(localPart);
            if (problem != null) {
                throw new IllegalArgumentException("\"" + address + "\" is not an e-mail address: " + problem
                    + " (RFC 5321 section 4.1.2); write it like it@acme.test, or quote an unusual local part: \"a,b\"@acme.test");
            }
            address = localPart.toLowerCase(Locale.ROOT) + "@" + HostNames.toALabel(domain);
        }

        @Override
        public String asString() {
            return address;
        }

        @Override
        public String kind() {
            return "recipient";
        }

        /**
         * Why the local part is neither a Dot-string (atoms of atext joined by single dots) nor a Quoted-string, or
         * null when it is one of them. ASCII only: James 3.8.1 takes no SMTPUTF8 address, so such a route would never match.
         */
        private static String localPartProblem(String localPart) {
            if (localPart.startsWith("\"")) {
                return quotedStringProblem(localPart);
            }
            if (localPart.startsWith(".") || localPart.endsWith(".") || localPart.contains("..")) {
                return "its local part \"" + localPart + "\" starts or ends with a dot or has two dots in a row";
            }
            for (int i = 0; i < localPart.length(); i++) {
                char c = localPart.charAt(i);
                if (c > 126) {
                    return "its local part \"" + localPart + "\" has '" + c + "', which James 3.8.1 cannot take (ASCII only)";
                }
                if (c != '.' && !isAtext(c)) {
                    return "its local part \"" + localPart + "\" has '" + c + "' at position " + (i + 1)
                        + ", which an unquoted local part cannot hold";
                }
            }
            return null;
        }

        private static String quotedStringProblem(String localPart) {
            boolean escaped = false;
            for (int i = 1; i < localPart.length(); i++) {
                char c = localPart.charAt(i);
                if (c > 126) {
                    return "its local part " + localPart + " has '" + c + "', which James 3.8.1 cannot take (ASCII only)";
                }
                if (escaped) {
                    escaped = false;
                } else if (c == '\\') {
                    escaped = true;
                } else if (c == '"') {
                    return i == localPart.length() - 1 ? null
                        : "its local part " + localPart + " goes on after its closing quote";
                }
            }
            return "its local part " + localPart + " has no closing quote";
        }

        /** RFC 5322 atext. */
        private static boolean isAtext(char c) {
            return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || "!#$%&'*+-/=?^_`{|}~".indexOf(c) >= 0;
        }
    }

    /** Exactly this domain (not its subdomains). */
    record Domain(String domain) implements RouteKey {
        public Domain {
            domain = HostNames.toALabel(Objects.requireNonNull(domain, "domain"));
        }

        @Override
        public String asString() {
            return domain;
        }

        @Override
        public String kind() {
            return "domain";
        }
    }

    /** Every subdomain of {@code parent}, at any depth, but not {@code parent} itself ({@code *.initech.test}). */
    record Suffix(String parent) implements RouteKey {
        public Suffix {
            parent = HostNames.toALabel(Objects.requireNonNull(parent, "parent"));
        }

        @Override
        public String asString() {
            return "*." + parent;
        }

        @Override
        public String kind() {
            return "suffix";
        }
    }

    /** Every recipient without a more specific route ({@code *}). */
    record Default() implements RouteKey {
        @Override
        public String asString() {
            return "*";
        }

        @Override
        public String kind() {
            return "default";
        }
    }
}
