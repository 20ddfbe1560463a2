package io.github.tiereddelivery.routes;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RoutesFileParserTest {
    private static final String SOURCE = "delivery-routes.xml";

    /** The example of SPEC.md "Routes file", verbatim. */
    private static final String SPEC_EXAMPLE = """
        <delivery-routes>
          <!-- explicit servers with preferences (MailRoute-style) -->
          <route domain="acme.test" balancing="random">
            <host preference="10">mail1.acme.test</host>          <!-- A/AAAA of this name, defaultPort -->
            <host preference="10" weight="3">mail2.acme.test:2525</host>
            <host preference="20">[192.0.2.7]:2525</host>         <!-- IP literal, no DNS -->
          </route>
          <!-- use the hostname's MX records (Cumulus-style "Transport" + "Use the hostname's MX") -->
          <route domain="globex.test" mx="delivery.globex.test" port="2525"/>
          <!-- any subdomain of initech.test (not initech.test itself) -->
          <route domain="*.initech.test"><host>relay.initech.test</host></route>
          <!-- split delivery: one recipient elsewhere -->
          <route recipient="it@acme.test"><host>[192.0.2.9]</host></route>
          <!-- default for everything without a route (smart host); absent = RFC 5321 MX delivery -->
          <route domain="*"><host>smarthost.example.net</host></route>
        </delivery-routes>
        """;

    @Test
    void specExampleParsesIntoTheFullModel() throws Exception {
        RouteTable table = parse(SPEC_EXAMPLE);

        assertThat(table.routes()).containsExactly(
            new Route(new RouteKey.Domain("acme.test"),
                new Destination.Hosts(List.of(
                    new HostSpec("mail1.acme.test", false, OptionalInt.empty(), 10, 1),
                    new HostSpec("mail2.acme.test", false, OptionalInt.of(2525), 10, 3),
                    new HostSpec("192.0.2.7", true, OptionalInt.of(2525), 20, 1))),
                Balancing.RANDOM, OptionalInt.empty(), Optional.empty(), Optional.empty(), 3),
            new Route(new RouteKey.Domain("globex.test"), new Destination.MxOf("delivery.globex.test"),
                Balancing.RANDOM, OptionalInt.of(2525), Optional.empty(), Optional.empty(), 9),
            new Route(new RouteKey.Suffix("initech.test"),
                new Destination.Hosts(List.of(new HostSpec("relay.initech.test", false, OptionalInt.empty(), 10, 1))),
                Balancing.RANDOM, OptionalInt.empty(), Optional.empty(), Optional.empty(), 11),
            new Route(new RouteKey.Recipient("it@acme.test"),
                new Destination.Hosts(List.of(new HostSpec("192.0.2.9", true, OptionalInt.empty(), 10, 1))),
                Balancing.RANDOM, OptionalInt.empty(), Optional.empty(), Optional.empty(), 13),
            new Route(new RouteKey.Default(),
                new Destination.Hosts(List.of(
                    new HostSpec("smarthost.example.net", false, OptionalInt.empty(), 10, 1))),
                Balancing.RANDOM, OptionalInt.empty(), Optional.empty(), Optional.empty(), 15));
    }

    @Test
    void specExampleServersReadAsWritten() throws Exception {
        Route acme = parse(SPEC_EXAMPLE).routes().get(0);

        assertThat(((Destination.Hosts) acme.destination()).hosts()).extracting(HostSpec::asString)
            .containsExactly("mail1.acme.test", "mail2.acme.test:2525", "[192.0.2.7]:2525");
    }

    @Test
    void hostWithoutAttributesHasPreference10AndWeight1() throws Exception {
        HostSpec host = onlyHost(parse(route("<route domain=\"acme.test\"><host>mail.acme.test</host></route>")));

        assertThat(host.preference()).isEqualTo(10);
        assertThat(host.weight()).isEqualTo(1);
        assertThat(host.port()).isEmpty();
    }

    @Test
    void routeWithoutOptionalAttributesBalancesRandomlyWithoutPortTlsOrAuth() throws Exception {
        Route route = parse(route("<route domain=\"acme.test\"><host>mail.acme.test</host></route>")).routes().get(0);

        assertThat(route.balancing()).isEqualTo(Balancing.RANDOM);
        assertThat(route.port()).isEmpty();
        assertThat(route.tls()).isEmpty();
        assertThat(route.auth()).isEmpty();
    }

    @Test
    void routeReadsBalancingTlsAuthAndPort() throws Exception {
        Route route = parse(route("<route domain=\"acme.test\" balancing=\"Round-Robin\" tls=\"required\" "
            + "auth=\"acme-relay\" port=\"587\"><host>mail.acme.test</host></route>")).routes().get(0);

        assertThat(route.balancing()).isEqualTo(Balancing.ROUND_ROBIN);
        assertThat(route.tls()).contains(TlsPolicy.REQUIRED);
        assertThat(route.auth()).contains("acme-relay");
        assertThat(route.port()).hasValue(587);
    }

    @Test
    void ipv6LiteralsAreReadInEveryForm() throws Exception {
        RouteTable table = parse(route("""
            <route domain="acme.test">
              <host>[2001:db8::1]</host>
              <host>[2001:DB8::2]:2525</host>
              <host>[IPv6:2001:db8::3]</host>
            </route>"""));

        assertThat(((Destination.Hosts) table.routes().get(0).destination()).hosts())
            .extracting(HostSpec::asString)
            .containsExactly("[2001:db8::1]", "[2001:db8::2]:2525", "[2001:db8::3]");
    }

    @Test
    void commentsAndWhitespaceAreAllowedAnywhere() throws Exception {
        RouteTable table = parse("""
            <?xml version="1.0" encoding="UTF-8"?>
            <!-- routes -->
            <delivery-routes>
              <!-- a -->
              <route domain="acme.test"> <!-- b -->
                <host>
                  mail.acme.test
                </host>
                <!-- c -->
              </route>
            </delivery-routes>
            <!-- end -->
            """);

        assertThat(onlyHost(table).asString()).isEqualTo("mail.acme.test");
    }

    @Test
    void fileWithoutRoutesGivesAnEmptyTable() throws Exception {
        assertThat(parse("<delivery-routes/>").routes()).isEmpty();
    }

    @Test
    void namesAreStoredLowerCaseInALabelForm() throws Exception {
        Route route = parse(route("<route domain=\"Bücher.TEST\" mx=\"MX.Bücher.test\"/>")).routes().get(0);

        assertThat(route.key()).isEqualTo(new RouteKey.Domain("xn--bcher-kva.test"));
        assertThat(route.destination()).isEqualTo(new Destination.MxOf("mx.xn--bcher-kva.test"));
    }

    @Test
    void preferenceThatIsNotANumberIsRejectedWithLineAndFix() {
        assertThat(problemsOf(route("""
            <route domain="acme.test">
              <host preference="abc">mail.acme.test</host>
            </route>""")))
            .containsExactly("delivery-routes.xml line 3: <host preference=\"abc\">: preference must be a whole "
                + "number from 0 to 65535 (lower = tried first), e.g. preference=\"10\"");
    }

    @Test
    void preferenceAbove65535IsRejected() {
        assertThat(problemsOf(route("<route domain=\"acme.test\"><host preference=\"65536\">m.acme.test</host></route>")))
            .singleElement().asString().startsWith("delivery-routes.xml line 2: <host preference=\"65536\">: "
                + "preference must be a whole number from 0 to 65535");
    }

    @Test
    void weightZeroIsRejected() {
        assertThat(problemsOf(route("<route domain=\"acme.test\"><host weight=\"0\">m.acme.test</host></route>")))
            .containsExactly("delivery-routes.xml line 2: <host weight=\"0\">: weight must be a whole number from 1 "
                + "to 1000 (the server's share of the load with balancing=\"weighted\"), e.g. weight=\"3\"");
    }

    @Test
    void weight1001IsRejected() {
        assertThat(problemsOf(route("<route domain=\"acme.test\"><host weight=\"1001\">m.acme.test</host></route>")))
            .singleElement().asString()
            .startsWith("delivery-routes.xml line 2: <host weight=\"1001\">: weight must be a whole number from 1 to 1000");
    }

    @Test
    void routePortZeroIsRejected() {
        assertThat(problemsOf(route("<route domain=\"globex.test\" mx=\"delivery.globex.test\" port=\"0\"/>")))
            .containsExactly("delivery-routes.xml line 2: <route domain=\"globex.test\" port=\"0\">: port must be a "
                + "whole number from 1 to 65535, e.g. port=\"2525\"");
    }

    @Test
    void hostPort70000IsRejected() {
        assertThat(problemsOf(route("<route domain=\"acme.test\"><host>mail.acme.test:70000</host></route>")))
            .containsExactly("delivery-routes.xml line 2: <host>mail.acme.test:70000</host>: \"mail.acme.test:70000\": "
                + "the port after ':' must be a whole number from 1 to 65535, e.g. mail1.acme.test:2525");
    }

    @Test
    void routeWithHostsAndMxIsRejected() {
        assertThat(problemsOf(route("""
            <route domain="acme.test" mx="delivery.acme.test">
              <host>mail.acme.test</host>
            </route>""")))
            .containsExactly("delivery-routes.xml line 2: <route domain=\"acme.test\" mx=\"delivery.acme.test\">: "
                + "a route has either <host> children or an mx attribute, not both; remove one");
    }

    @Test
    void routeWithNeitherHostsNorMxIsRejected() {
        assertThat(problemsOf(route("<route domain=\"acme.test\"/>")))
            .containsExactly("delivery-routes.xml line 2: <route domain=\"acme.test\">: a route needs <host> children "
                + "or an mx attribute; add e.g. <host>mail1.acme.test</host> or mx=\"delivery.acme.test\"");
    }

    @Test
    void routeWithDomainAndRecipientIsRejected() {
        assertThat(problemsOf(route("<route domain=\"acme.test\" recipient=\"it@acme.test\" mx=\"mx.acme.test\"/>")))
            .containsExactly("delivery-routes.xml line 2: <route domain=\"acme.test\" recipient=\"it@acme.test\">: "
                + "a route has either a domain or a recipient attribute, not both; write one route for each");
    }

    @Test
    void routeWithoutDomainOrRecipientIsRejected() {
        assertThat(problemsOf(route("<route mx=\"mx.acme.test\"/>")))
            .singleElement().asString()
            .startsWith("delivery-routes.xml line 2: <route>: a route needs domain=\"…\" (e.g. domain=\"acme.test\"");
    }

    @Test
    void unknownElementIsRejected() {
        assertThat(problemsOf(route("<rout domain=\"acme.test\"><host>mail.acme.test</host></rout>")))
            .containsExactly("delivery-routes.xml line 2: <rout>: unknown element; inside <delivery-routes> only "
                + "<route> elements belong");
    }

    @Test
    void unknownElementInsideRouteIsTheOnlyProblemReported() {
        assertThat(problemsOf(route("<route domain=\"acme.test\"><hots>mail.acme.test</hots></route>")))
            .containsExactly("delivery-routes.xml line 2: <hots>: unknown element; inside <route> only <host> "
                + "elements belong, e.g. <host>mail1.acme.test</host>");
    }

    @Test
    void elementInsideHostIsRejected() {
        assertThat(problemsOf(route("<route domain=\"acme.test\"><host><name>m.acme.test</name></host></route>")))
            .containsExactly("delivery-routes.xml line 2: <name>: a <host> holds only a server name, no elements, "
                + "e.g. <host>mail1.acme.test</host>");
    }

    @Test
    void unknownRouteAttributeIsRejected() {
        assertThat(problemsOf(route("<route domain=\"acme.test\" balancng=\"weighted\" mx=\"mx.acme.test\"/>")))
            .containsExactly("delivery-routes.xml line 2: <route domain=\"acme.test\" balancng=\"weighted\">: unknown "
                + "attribute balancng; <route> takes domain or recipient, and optionally mx, port, balancing, tls "
                + "and auth");
    }

    @Test
    void unknownHostAttributeIsRejected() {
        assertThat(problemsOf(route("<route domain=\"acme.test\"><host prefrence=\"20\">m.acme.test</host></route>")))
            .containsExactly("delivery-routes.xml line 2: <host prefrence=\"20\">: unknown attribute prefrence; "
                + "<host> takes only preference and weight, e.g. <host preference=\"20\" weight=\"3\">mail2.acme.test"
                + "</host>");
    }

    @Test
    void domainWithAnEmptyLabelIsRejected() {
        assertThat(problemsOf(route("<route domain=\"acme..test\" mx=\"mx.acme.test\"/>")))
            .containsExactly("delivery-routes.xml line 2: <route domain=\"acme..test\">: \"acme..test\" is not a valid "
                + "domain name: it has an empty label (a leading dot or two dots in a row); write a domain like "
                + "acme.test, *.acme.test (every subdomain) or * (every domain)");
    }

    @Test
    void domainWithAPortIsRejected() {
        assertThat(problemsOf(route("<route domain=\"acme.test:25\" mx=\"mx.acme.test\"/>")))
            .singleElement().asString()
            .contains("line 2", "\"acme.test:25\" is not a valid domain name: it contains \":\"", "write a domain like");
    }

    @Test
    void domainWithAWildcardInTheMiddleIsRejected() {
        assertThat(problemsOf(route("<route domain=\"mail.*.acme.test\" mx=\"mx.acme.test\"/>")))
            .singleElement().asString()
            .contains("line 2", "'*' is allowed only alone (\"*\": every domain) or in front of a domain");
    }

    @Test
    void badIpLiteralIsRejected() {
        assertThat(problemsOf(route("<route domain=\"acme.test\"><host>[192.0.2.300]</host></route>")))
            .containsExactly("delivery-routes.xml line 2: <host>[192.0.2.300]</host>: \"[192.0.2.300]\" is not an IP "
                + "address; write it like [192.0.2.7] or [2001:db8::1] (names go without brackets)");
    }

    @Test
    void ipAddressWithoutBracketsIsRejected() {
        assertThat(problemsOf(route("<route domain=\"acme.test\"><host>192.0.2.7:2525</host></route>")))
            .singleElement().asString()
            .contains("line 2", "\"192.0.2.7\" is an IP address; write it in brackets, e.g. [192.0.2.7]");
    }

    @Test
    void mxThatIsAnIpAddressIsRejected() {
        assertThat(problemsOf(route("<route domain=\"globex.test\" mx=\"192.0.2.7\"/>")))
            .containsExactly("delivery-routes.xml line 2: <route domain=\"globex.test\" mx=\"192.0.2.7\">: mx takes a "
                + "host name whose MX records list the servers, not an IP address; list a fixed address as a host "
                + "instead, e.g. [192.0.2.7]");
    }

    @Test
    void recipientWithoutAtIsRejected() {
        assertThat(problemsOf(route("<route recipient=\"it.acme.test\"><host>m.acme.test</host></route>")))
            .containsExactly("delivery-routes.xml line 2: <route recipient=\"it.acme.test\">: \"it.acme.test\" is not "
                + "an e-mail address (it has no @); write it like it@acme.test");
    }

    @Test
    void recipientWithTwoAtsIsRejected() {
        assertThat(problemsOf(route("<route recipient=\"a@b@acme.test\"><host>m.acme.test</host></route>")))
            .containsExactly("delivery-routes.xml line 2: <route recipient=\"a@b@acme.test\">: \"a@b@acme.test\" is not "
                + "an e-mail address: its local part \"a@b\" has '@' at position 2, which an unquoted local part cannot hold "
                + "(RFC 5321 section 4.1.2); write it like it@acme.test, or quote an unusual local part: \"a,b\"@acme.test");
    }

    @Test
    void recipientWithAWildcardIsRejected() {
        assertThat(problemsOf(route("<route recipient=\"*@acme.test\"><host>m.acme.test</host></route>")))
            .singleElement().asString()
            .contains("line 2", "a recipient route is for one address", "domain=\"acme.test\"");
    }

    @Test
    void unknownBalancingIsRejected() {
        assertThat(problemsOf(route("<route domain=\"acme.test\" balancing=\"fair\" mx=\"mx.acme.test\"/>")))
            .containsExactly("delivery-routes.xml line 2: <route domain=\"acme.test\" balancing=\"fair\">: \"fair\" is "
                + "not a balancing; use random (the default), round-robin or weighted, e.g. balancing=\"random\"");
    }

    @Test
    void unknownTlsPolicyIsRejected() {
        assertThat(problemsOf(route("<route domain=\"acme.test\" tls=\"yes\" mx=\"mx.acme.test\"/>")))
            .singleElement().asString()
            .contains("line 2", "<route domain=\"acme.test\" tls=\"yes\">", "use none", "opportunistic", "required");
    }

    @Test
    void authNameThatCannotBeAPropertiesKeyIsRejected() {
        assertThat(problemsOf(route("<route domain=\"acme.test\" auth=\"acme relay\" mx=\"mx.acme.test\"/>")))
            .singleElement().asString()
            .contains("line 2", "<route domain=\"acme.test\" auth=\"acme relay\">", "e.g. auth=\"acme\"");
    }

    @Test
    void duplicateDomainNamesBothLines() {
        assertThat(problemsOf(route("""
            <route domain="acme.test"><host>a.acme.test</host></route>
            <route domain="ACME.test"><host>b.acme.test</host></route>""")))
            .containsExactly("delivery-routes.xml line 3: <route domain=\"ACME.test\">: line 2 already has a route "
                + "for acme.test; merge the two routes or remove one");
    }

    @Test
    void routesForTheSameDomainInULabelAndALabelFormAreDuplicates() {
        assertThat(problemsOf(route("""
            <route domain="bücher.test"><host>a.acme.test</host></route>
            <route domain="xn--bcher-kva.test"><host>b.acme.test</host></route>""")))
            .singleElement().asString().contains("line 3", "line 2 already has a route for xn--bcher-kva.test");
    }

    @Test
    void twoDefaultRoutesAreDuplicates() {
        assertThat(problemsOf(route("""
            <route domain="*"><host>a.acme.test</host></route>
            <route domain="*"><host>b.acme.test</host></route>""")))
            .singleElement().asString().contains("line 3", "line 2 already has a route for *");
    }

    @Test
    void duplicateRecipientAndSuffixRoutesAreReported() {
        assertThat(problemsOf(route("""
            <route recipient="it@acme.test"><host>a.acme.test</host></route>
            <route domain="*.acme.test"><host>a.acme.test</host></route>
            <route recipient="IT@acme.test"><host>b.acme.test</host></route>
            <route domain="*.Acme.test"><host>b.acme.test</host></route>""")))
            .containsExactly(
                "delivery-routes.xml line 4: <route recipient=\"IT@acme.test\">: line 2 already has a route for "
                    + "it@acme.test; merge the two routes or remove one",
                "delivery-routes.xml line 5: <route domain=\"*.Acme.test\">: line 3 already has a route for "
                    + "*.acme.test; merge the two routes or remove one");
    }

    @Test
    void serverListedTwiceInARouteIsRejected() {
        assertThat(problemsOf(route("""
            <route domain="acme.test">
              <host>mail.acme.test</host>
              <host preference="20">MAIL.acme.test</host>
            </route>""")))
            .containsExactly("delivery-routes.xml line 2: <route domain=\"acme.test\">: mail.acme.test is listed twice; "
                + "list each server once");
    }

    @Test
    void textDirectlyInsideARouteIsRejected() {
        assertThat(problemsOf(route("<route domain=\"acme.test\">mail.acme.test</route>")))
            .containsExactly("delivery-routes.xml line 2: <route domain=\"acme.test\">: text \"mail.acme.test\" directly "
                + "inside <route>; put each server in its own <host> element, e.g. <host>mail.acme.test</host>");
    }

    @Test
    void otherRootElementIsRejected() {
        assertThat(problemsOf("<routes><route domain=\"acme.test\"><host>m.acme.test</host></route></routes>"))
            .containsExactly("delivery-routes.xml line 1: <routes>: the file must start with <delivery-routes>; put the "
                + "<route> elements inside <delivery-routes> … </delivery-routes>");
    }

    @Test
    void malformedXmlGivesTheParsersLineColumnAndMessage() {
        assertThat(problemsOf("""
            <delivery-routes>
              <route domain="acme.test"><host>m.acme.test</host>
            </delivery-routes>
            """))
            .singleElement().asString()
            .startsWith("delivery-routes.xml line 3, column ")
            .contains("malformed XML: ", "\"route\"", "Fix the XML syntax there.");
    }

    @Test
    void doctypeIsRefused() {
        assertThat(problemsOf("""
            <!DOCTYPE delivery-routes [ <!ENTITY name "acme.test"> ]>
            <delivery-routes><route domain="&name;"><host>m.acme.test</host></route></delivery-routes>
            """))
            .containsExactly("delivery-routes.xml line 1: <!DOCTYPE …>: a DOCTYPE is not allowed in the routes file "
                + "(it could read other files or expand entities without end); remove it and any &entity; references");
    }

    @Test
    void externalEntityIsNeverRead(@TempDir Path folder) throws IOException {
        Path secret = Files.writeString(folder.resolve("secret.txt"), "top-secret-host.test");

        List<String> problems = problemsOf("<!DOCTYPE delivery-routes [ <!ENTITY xxe SYSTEM \"" + secret.toUri()
            + "\"> ]>\n<delivery-routes><route domain=\"acme.test\"><host>&xxe;</host></route></delivery-routes>");

        assertThat(problems).singleElement().asString().contains("a DOCTYPE is not allowed");
        assertThat(String.join("\n", problems)).doesNotContain("top-secret");
    }

    @Test
    void entityReferenceWithoutDoctypeIsMalformed() {
        assertThat(problemsOf(route("<route domain=\"acme.test\"><host>&xxe;</host></route>")))
            .singleElement().asString().startsWith("delivery-routes.xml line 2, column ").contains("xxe");
    }

    @Test
    void everyProblemOfTheFileIsReportedInLineOrder() {
        InvalidRoutesException invalid = invalid(route("""
            <route domain="acme..test" port="0">
              <host preference="abc">mail.acme.test</host>
              <host weight="0">[192.0.2.300]</host>
            </route>
            <route domain="globex.test" mx="192.0.2.7"/>"""));

        assertThat(invalid.problems()).extracting(problem -> problem.substring(0, problem.indexOf(':')))
            .containsExactly("delivery-routes.xml line 2", "delivery-routes.xml line 2", "delivery-routes.xml line 3",
                "delivery-routes.xml line 4", "delivery-routes.xml line 6");
        assertThat(invalid.getMessage()).isEqualTo(String.join("\n", invalid.problems()));
        assertThat(invalid.sourceName()).isEqualTo(SOURCE);
    }

    @Test
    void problemsBeyondTheCapAreCountedNotListed() {
        int routes = RoutesFileParser.MAX_PROBLEMS + 7;
        String xml = route(IntStream.range(0, routes)
            .mapToObj(i -> "<route domain=\"d" + i + ".test\"/>")
            .collect(Collectors.joining("\n")));

        assertThat(problemsOf(xml))
            .hasSize(RoutesFileParser.MAX_PROBLEMS + 1)
            .last().isEqualTo("delivery-routes.xml: 7 more problems not shown; fix the ones above and check again");
    }

    @Test
    void fileIsReadFromAPath(@TempDir Path folder) throws Exception {
        Path file = Files.writeString(folder.resolve("delivery-routes.xml"), SPEC_EXAMPLE);

        assertThat(new RoutesFileParser().parse(file)).isEqualTo(parse(SPEC_EXAMPLE));
    }

    @Test
    void problemsOfAFileNameItsPath(@TempDir Path folder) throws IOException {
        Path file = Files.writeString(folder.resolve("delivery-routes.xml"), route("<route domain=\"a.test\"/>"));

        assertThat(catchThrowableOfType(() -> new RoutesFileParser().parse(file), InvalidRoutesException.class)
            .problems()).singleElement().asString().startsWith(file + " line 2: ");
    }

    @Test
    void missingFileIsReportedWithItsPath(@TempDir Path folder) {
        Path file = folder.resolve("delivery-routes.xml");

        assertThat(catchThrowableOfType(() -> new RoutesFileParser().parse(file), InvalidRoutesException.class)
            .getMessage()).startsWith(file + ": cannot read the routes file (").contains("NoSuchFileException");
    }

    private static String route(String routes) {
        return "<delivery-routes>\n" + routes + "\n</delivery-routes>\n";
    }

    private static RouteTable parse(String xml) throws InvalidRoutesException {
        return new RoutesFileParser().parse(new ByteArrayInputStream(xml.getBytes(UTF_8)), SOURCE);
    }

    private static InvalidRoutesException invalid(String xml) {
        InvalidRoutesException invalid = catchThrowableOfType(() -> parse(xml), InvalidRoutesException.class);
        assertThat(invalid).as("the file is refused").isNotNull();
        return invalid;
    }

    private static List<String> problemsOf(String xml) {
        return invalid(xml).problems();
    }

    private static HostSpec onlyHost(RouteTable table) {
        return ((Destination.Hosts) table.routes().get(0).destination()).hosts().get(0);
    }
}
