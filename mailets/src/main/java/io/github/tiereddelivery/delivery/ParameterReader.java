package io.github.tiereddelivery.delivery;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Optional;

import org.apache.mailet.MailetConfig;

import com.google.common.base.Strings;
import com.google.common.net.InetAddresses;

/** Typed, strict reading of mailet parameters: a value that does not parse stops James with a message saying why. */
class ParameterReader {
    private final MailetConfig config;

    ParameterReader(MailetConfig config) {
        this.config = config;
    }

    Optional<String> string(String name) {
        return Optional.ofNullable(config.getInitParameter(name))
            .map(String::trim)
            .filter(value -> !value.isEmpty());
    }

    /** A parameter with two accepted spellings (stock code and stock documentation disagree); both must agree. */
    Optional<String> string(String name, String alias) throws InvalidParameterException {
        return named(name, alias).map(NamedValue::value);
    }

    /** The parameter with the name it was given as. */
    Optional<NamedValue> named(String name) {
        return string(name).map(value -> new NamedValue(name, value));
    }

    /** {@link #string(String, String)} with the spelling the configuration used, for messages about its value. */
    Optional<NamedValue> named(String name, String alias) throws InvalidParameterException {
        Optional<String> value = string(name);
        Optional<String> aliased = string(alias);
        if (value.isPresent() && aliased.isPresent() && !value.equals(aliased)) {
            throw invalid(name, value.get(), "it is also given as <" + alias + ">" + aliased.get() + "</" + alias
                + "> with another value; keep one of the two");
        }
        return named(name).or(() -> aliased.map(text -> new NamedValue(alias, text)));
    }

    boolean bool(String name, boolean defaultValue) throws InvalidParameterException {
        Optional<String> value = string(name);
        if (value.isEmpty()) {
            return defaultValue;
        }
        switch (value.get().toLowerCase(Locale.ROOT)) {
            case "true":
                return true;
            case "false":
                return false;
            default:
                throw invalid(name, value.get(), "write true or false");
        }
    }

    int integer(String name, int defaultValue, int min, int max, String unit) throws InvalidParameterException {
        Optional<String> value = string(name);
        if (value.isEmpty()) {
            return defaultValue;
        }
        return integer(name, value.get(), min, max, unit);
    }

    int integer(String name, String value, int min, int max, String unit) throws InvalidParameterException {
        try {
            int parsed = Integer.parseInt(value);
            if (parsed >= min && parsed <= max) {
                return parsed;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw invalid(name, value, "write a whole number " + (max == Integer.MAX_VALUE ? "of at least " + min : "from " + min + " to " + max)
            + (Strings.isNullOrEmpty(unit) ? "" : " (" + unit + ")"));
    }

    Optional<InetAddress> ipAddress(String name) throws InvalidParameterException {
        Optional<String> value = string(name);
        if (value.isEmpty()) {
            return Optional.empty();
        }
        if (InetAddresses.isInetAddress(value.get())) {
            return Optional.of(InetAddresses.forString(value.get()));
        }
        // As stock's mail.smtp.localaddress: a host name of this machine is resolved (once, at start).
        try {
            return Optional.of(InetAddress.getByName(value.get()));
        } catch (UnknownHostException | SecurityException e) {
            throw invalid(name, value.get(), "it is neither an IP address nor a name with an address; write a local "
                + "IP address such as 192.0.2.1 or 2001:db8::1");
        }
    }

    /** A parameter's value with the name it was given under ({@code connectionTimeout}, {@code mail.smtp.timeout}, …). */
    record NamedValue(String name, String value) {
    }

    static InvalidParameterException invalid(String name, String value, String fix) {
        return new InvalidParameterException("TieredRemoteDelivery parameter <" + name + ">" + value + "</" + name + "> is invalid: " + fix);
    }
}
