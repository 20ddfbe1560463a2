package io.github.tiereddelivery.routes;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Hostile routes files: whatever the bytes, the parser either returns routes or refuses the file with
 * InvalidRoutesException — never another exception, never a hang.
 */
class RoutesFileFuzzTest {
    private static final String VALID = "<delivery-routes>\n"
        + "  <route domain=\"acme.test\" balancing=\"weighted\">\n"
        + "    <host preference=\"10\" weight=\"3\">mail1.acme.test</host>\n"
        + "    <host preference=\"20\">[192.0.2.7]:2525</host>\n"
        + "  </route>\n"
        + "  <route domain=\"globex.test\" mx=\"delivery.globex.test\" port=\"2525\" tls=\"required\" auth=\"globex\"/>\n"
        + "  <route recipient=\"it@acme.test\"><host>[2001:db8::1]</host></route>\n"
        + "  <route domain=\"*\"><host>smarthost.example.net</host></route>\n"
        + "</delivery-routes>\n";

    private static void parsesOrRefuses(byte[] content) {
        try {
            new RoutesFileParser().parse(new ByteArrayInputStream(content), "delivery-routes.xml");
        } catch (InvalidRoutesException e) {
            assertThat(e.problems()).isNotEmpty().allSatisfy(problem -> assertThat(problem).startsWith("delivery-routes.xml"));
        }
    }

    @Property(tries = 500)
    void arbitraryBytesAreParsedOrRefused(@ForAll byte[] content) {
        parsesOrRefuses(content);
    }

    @Property(tries = 1000)
    void aMutatedValidFileIsParsedOrRefused(@ForAll("mutations") String content) {
        parsesOrRefuses(content.getBytes(StandardCharsets.UTF_8));
    }

    @Property(tries = 1000)
    void routesWithArbitraryAttributeValuesAreParsedOrRefused(@ForAll("routeElements") List<String> routes) {
        parsesOrRefuses(("<delivery-routes>" + String.join("", routes) + "</delivery-routes>").getBytes(StandardCharsets.UTF_8));
    }

    @Property(tries = 300)
    void whatParsesIsWrittenBackIdentically(@ForAll("routeElements") List<String> routes) throws Exception {
        RouteTable table;
        try {
            table = new RoutesFileParser().parse(new ByteArrayInputStream(("<delivery-routes>" + String.join("", routes)
                + "</delivery-routes>").getBytes(StandardCharsets.UTF_8)), "delivery-routes.xml");
        } catch (InvalidRoutesException e) {
            return;
        }
        String rewritten = RoutesFileEditor.EMPTY_FILE;
        for (Route route : table.routes()) {
            rewritten = RoutesFileEditor.put(rewritten, route);
        }
        RouteTable reread = new RoutesFileParser().parse(new ByteArrayInputStream(rewritten.getBytes(StandardCharsets.UTF_8)), "x");
        assertThat(reread.routes()).hasSameSizeAs(table.routes());
        for (int i = 0; i < table.routes().size(); i++) {
            Route before = table.routes().get(i);
            Route after = reread.routes().get(i);
            assertThat(after).isEqualTo(new Route(before.key(), before.destination(), before.balancing(), before.port(),
                before.tls(), before.auth(), after.line()));
        }
    }

    /** The valid file with a few characters deleted, duplicated or replaced at random places. */
    @Provide
    Arbitrary<String> mutations() {
        Arbitrary<Integer> position = Arbitraries.integers().between(0, VALID.length() - 1);
        Arbitrary<Character> character = Arbitraries.of('<', '>', '"', '/', '=', '&', ';', ' ', '\n', 'x', '0', '9', '-', '.', ':',
            '[', ']', '*', '@', '\u00e9', '\u0000');
        Arbitrary<String> oneMutation = Combinators.combine(position, character, Arbitraries.integers().between(0, 2))
            .as((at, c, kind) -> at + ":" + c + ":" + kind);
        return oneMutation.list().ofMinSize(1).ofMaxSize(8).map(list -> {
            StringBuilder text = new StringBuilder(VALID);
            for (String mutation : list) {
                String[] parts = mutation.split(":", 3);
                int at = Math.min(Integer.parseInt(parts[0]), text.length() - 1);
                char c = parts[1].isEmpty() ? ':' : parts[1].charAt(0);
                switch (parts[parts.length - 1]) {
                    case "0" -> text.deleteCharAt(at);
                    case "1" -> text.insert(at, c);
                    default -> text.setCharAt(at, c);
                }
                if (text.length() == 0) {
                    text.append('<');
                }
            }
            return text.toString();
        });
    }

    @Provide
    Arbitrary<List<String>> routeElements() {
        Arbitrary<String> domain = Arbitraries.of("acme.test", "*.acme.test", "*", "ACME.test", "bücher.test", "-bad.test", "a..b",
            "192.0.2.1", "", " ", "x".repeat(70) + ".test", "acme.test:25", "user@acme.test");
        Arbitrary<String> number = Arbitraries.of("0", "1", "10", "1000", "1001", "65535", "65536", "-1", "abc", "", "1e3", "99999999999");
        Arbitrary<String> hostText = Arbitraries.of("mail.acme.test", "mail.acme.test:2525", "[192.0.2.7]", "[192.0.2.7]:0",
            "[2001:db8::1]:25", "[IPv6:2001:db8::1]", "192.0.2.7", "[999.1.1.1]", "", "mail acme", "[::1", "host:port:x");
        Arbitrary<String> host = Combinators.combine(number, number, hostText)
            .as((preference, weight, text) -> "<host preference=\"" + preference + "\" weight=\"" + weight + "\">" + text + "</host>");
        Arbitrary<String> balancing = Arbitraries.of("random", "round-robin", "weighted", "ROUND-ROBIN", "fastest", "");
        Arbitrary<String> attributes = Combinators.combine(domain, balancing, number, Arbitraries.of("", "none", "required", "maybe"))
            .as((d, b, port, tls) -> (d.contains("@") ? " recipient=\"" : " domain=\"") + d + "\" balancing=\"" + b + "\""
                + (port.isEmpty() ? "" : " port=\"" + port + "\"") + (tls.isEmpty() ? "" : " tls=\"" + tls + "\""));
        Arbitrary<String> route = Combinators.combine(attributes, host.list().ofMaxSize(3), Arbitraries.of("", " mx=\"relay.acme.test\"", " mx=\"192.0.2.1\""))
            .as((attrs, hosts, mx) -> "<route" + attrs + mx + ">" + String.join("", hosts) + "</route>");
        return route.list().ofMinSize(1).ofMaxSize(4);
    }
}
