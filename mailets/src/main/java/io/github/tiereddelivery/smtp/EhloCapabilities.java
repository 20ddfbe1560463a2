package io.github.tiereddelivery.smtp;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** The service extensions a server announced in its EHLO reply (RFC 5321 4.1.1.1); none after HELO. */
public final class EhloCapabilities {

    private static final EhloCapabilities NONE = new EhloCapabilities(Map.of());

    /** Upper-case keyword to its parameters. */
    private final Map<String, List<String>> extensions;

    private EhloCapabilities(Map<String, List<String>> extensions) {
        this.extensions = extensions;
    }

    /** What a server that only answered HELO supports. */
    static EhloCapabilities none() {
        return NONE;
    }

    /** Parses a positive EHLO reply: the first line greets, each further line is "KEYWORD [params]". */
    static EhloCapabilities parse(SmtpReply ehloReply) {
        Map<String, List<String>> extensions = new LinkedHashMap<>();
        for (String line : ehloReply.lines().subList(1, ehloReply.lines().size())) {
            String[] words = line.strip().split("\\s+");
            if (words[0].isEmpty()) {
                continue;
            }
            String keyword = words[0].toUpperCase(Locale.ROOT);
            List<String> parameters = List.of(words).subList(1, words.length);
            // Old servers (pre RFC 4954 Outlook/Exchange) announce "AUTH=LOGIN PLAIN".
            if (keyword.startsWith("AUTH=")) {
                parameters = concat(List.of(keyword.substring("AUTH=".length())), parameters);
                keyword = "AUTH";
            }
            extensions.merge(keyword, parameters, EhloCapabilities::concat);
        }
        return new EhloCapabilities(Collections.unmodifiableMap(extensions));
    }

    /** Whether the server announced the extension keyword, compared case-insensitively. */
    public boolean supports(String keyword) {
        return extensions.containsKey(keyword.toUpperCase(Locale.ROOT));
    }

    /** The SIZE the server announced (RFC 1870); empty when it announced none or 0 (no fixed limit). */
    public OptionalLong maxSize() {
        List<String> parameters = extensions.getOrDefault("SIZE", List.of());
        if (parameters.isEmpty()) {
            return OptionalLong.empty();
        }
        try {
            long size = Long.parseLong(parameters.get(0));
            return size > 0 ? OptionalLong.of(size) : OptionalLong.empty();
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    /** SASL mechanisms announced with AUTH (RFC 4954), upper case. */
    public Set<String> authMechanisms() {
        return extensions.getOrDefault("AUTH", List.of()).stream()
            .map(mechanism -> mechanism.toUpperCase(Locale.ROOT))
            .collect(Collectors.toUnmodifiableSet());
    }

    @Override
    public String toString() {
        return extensions.keySet().toString();
    }

    private static List<String> concat(List<String> first, List<String> second) {
        return Stream.concat(first.stream(), second.stream()).toList();
    }
}
