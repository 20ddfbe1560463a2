package io.github.tiereddelivery.webadmin;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;

import io.github.tiereddelivery.routes.RouteKey;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Hostile WebAdmin bodies: whatever the bytes, the reader returns a route or refuses the body with
 * InvalidRequestException naming a field — never another exception, never a hang.
 */
class RouteRequestReaderFuzzTest {
    private static final RouteKey ACME = RouteKey.ofDomain("acme.test");
    private static final String VALID = "{\"hosts\":[{\"host\":\"mail1.acme.test\",\"port\":25,\"preference\":10,\"weight\":3},"
        + "{\"host\":\"[2001:db8::1]\",\"preference\":20}],\"port\":2525,\"balancing\":\"weighted\",\"tls\":\"required\","
        + "\"auth\":\"acme\"}";

    private static void readsOrRefuses(byte[] body) {
        try {
            RouteRequestReader.read(ACME, body);
        } catch (InvalidRequestException e) {
            assertThat(e.field()).isNotBlank();
            assertThat(e.getMessage()).startsWith(e.field() + ": ");
        }
    }

    @Property(tries = 1000)
    void arbitraryBytesAreReadOrRefused(@ForAll byte[] body) {
        readsOrRefuses(body);
    }

    @Property(tries = 1000)
    void arbitraryTextIsReadOrRefused(@ForAll String body) {
        readsOrRefuses(body.getBytes(StandardCharsets.UTF_8));
    }

    @Property(tries = 2000)
    void aMutatedValidBodyIsReadOrRefused(@ForAll("mutations") String body) {
        readsOrRefuses(body.getBytes(StandardCharsets.UTF_8));
    }

    @Property(tries = 2000)
    void arbitraryJsonValuesInEveryFieldAreReadOrRefused(@ForAll("bodies") String body) {
        readsOrRefuses(body.getBytes(StandardCharsets.UTF_8));
    }

    /** The valid body with a few characters deleted, duplicated or replaced at random places. */
    @Provide
    Arbitrary<String> mutations() {
        Arbitrary<Integer> position = Arbitraries.integers().between(0, VALID.length() - 1);
        Arbitrary<Character> character = Arbitraries.of('{', '}', '[', ']', '"', ':', ',', '\\', '0', '-', 'e', '.', ' ', '\u0000', 'é');
        Arbitrary<String> once = Combinators.combine(position, character, Arbitraries.integers().between(0, 2))
            .as((at, c, kind) -> switch (kind) {
                case 0 -> VALID.substring(0, at) + VALID.substring(at + 1);
                case 1 -> VALID.substring(0, at) + c + VALID.substring(at);
                default -> VALID.substring(0, at) + c + VALID.substring(at + 1);
            });
        return once.flatMap(first -> Arbitraries.integers().between(0, first.length()).map(cut -> first.substring(0, cut)
            + first.substring(cut)));
    }

    /** Objects with the known fields (and a few unknown ones) holding any kind of JSON value. */
    @Provide
    Arbitrary<String> bodies() {
        Arbitrary<String> value = jsonValues();
        Arbitrary<String> hostObject = Combinators.combine(
                Arbitraries.of("host", "port", "preference", "weight", "colour", ""),
                value).as((name, v) -> "\"" + name + "\":" + v)
            .list().ofMaxSize(5).map(fields -> "{" + String.join(",", fields) + "}");
        Arbitrary<String> hosts = Arbitraries.oneOf(hostObject, value).list().ofMaxSize(4)
            .map(elements -> "[" + String.join(",", elements) + "]");
        Arbitrary<String> field = Arbitraries.oneOf(
            hosts.map(h -> "\"hosts\":" + h),
            Combinators.combine(Arbitraries.of("hosts", "mx", "port", "balancing", "tls", "auth", "extra"), value)
                .as((name, v) -> "\"" + name + "\":" + v));
        return field.list().ofMaxSize(6).map(fields -> "{" + String.join(",", fields) + "}");
    }

    private static Arbitrary<String> jsonValues() {
        return Arbitraries.oneOf(
            Arbitraries.strings().ofMaxLength(30).map(s -> "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\""),
            Arbitraries.of("\"mail1.acme.test\"", "\"192.0.2.7\"", "\"[2001:db8::1]\"", "\"random\"", "\"required\"",
                "\"[IPv6:::1]\"", "\"*\"", "\"xn--\"", "\"a..b\""),
            Arbitraries.integers().map(String::valueOf),
            Arbitraries.longs().map(String::valueOf),
            Arbitraries.doubles().map(String::valueOf),
            Arbitraries.of("null", "true", "false", "[]", "{}", "1e309", "-0", "99999999999999999999999999", "[[[[[]]]]]",
                "{\"a\":{\"b\":[1,2,{}]}}"));
    }

    @Property(tries = 50)
    void deeplyNestedValuesInAnyFieldAreRefused(@ForAll("nestings") String body) {
        readsOrRefuses(body.getBytes(StandardCharsets.UTF_8));
    }

    @Provide
    Arbitrary<String> nestings() {
        return Combinators.combine(Arbitraries.of(List.of("hosts", "mx", "port", "unknown")), Arbitraries.integers().between(1, 100_000),
                Arbitraries.of("[", "{\"a\":"))
            .as((field, depth, opener) -> "{\"" + field + "\":" + opener.repeat(depth));
    }
}
