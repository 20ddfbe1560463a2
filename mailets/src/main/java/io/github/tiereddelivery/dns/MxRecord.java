package io.github.tiereddelivery.dns;

/** One MX record: the exchange host name (lower case, no trailing dot) and its preference. */
public record MxRecord(int preference, String exchange) {
}
