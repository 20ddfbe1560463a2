package io.github.tiereddelivery.routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.OptionalInt;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HostSpecTest {

    @ParameterizedTest
    @ValueSource(strings = {"mail1.acme.test", "mail2.acme.test:2525", "[192.0.2.7]", "[192.0.2.7]:2525",
        "[2001:db8::1]", "[2001:db8::1]:2525", "localhost"})
    void serverIsWrittenBackAsTheUserWroteIt(String server) {
        assertThat(HostSpec.parse(server, 10, 1).asString()).isEqualTo(server);
    }

    @ParameterizedTest
    @ValueSource(strings = {"[0.0.0.0]", "[255.255.255.255]", "[224.0.0.1]:25", "[::]", "[fe80::1]", "[IPv6:ff02::1]"})
    void anAddressThatCanBeNoMailServerIsRefused(String server) {
        assertThatThrownBy(() -> HostSpec.parse(server, 10, 1))
            .hasMessageContaining("can be no mail server (an unspecified, broadcast, multicast or link-local address)");
    }

    @Test
    void nameWithPortIsSplit() {
        HostSpec host = HostSpec.parse("mail2.acme.test:2525", 20, 3);

        assertThat(host).isEqualTo(new HostSpec("mail2.acme.test", false, OptionalInt.of(2525), 20, 3));
    }

    @Test
    void ipLiteralIsMarkedAndHeldWithoutBrackets() {
        HostSpec host = HostSpec.parse("[192.0.2.7]:2525", 10, 1);

        assertThat(host.isIpLiteral()).isTrue();
        assertThat(host.host()).isEqualTo("192.0.2.7");
        assertThat(host.port()).hasValue(2525);
    }

    @Test
    void nameIsHeldLowerCaseInALabelForm() {
        assertThat(HostSpec.parse("MX.Bücher.Test", 10, 1).host()).isEqualTo("mx.xn--bcher-kva.test");
    }

    @Test
    void ipv6AddressIsHeldInCanonicalForm() {
        assertThat(HostSpec.parse("[2001:DB8:0:0:0:0:0:1]", 10, 1).host()).isEqualTo("2001:db8::1");
    }

    @Test
    void rfc5321Ipv6TagIsAccepted() {
        assertThat(HostSpec.parse("[IPv6:2001:db8::1]:25", 10, 1).asString()).isEqualTo("[2001:db8::1]:25");
    }

    @Test
    void ipv6TagOnAnIpv4AddressIsRefused() {
        assertThatThrownBy(() -> HostSpec.parse("[IPv6:192.0.2.7]", 10, 1))
            .hasMessageContaining("is not an IP address");
    }

    @Test
    void ipv6AddressWithoutBracketsIsRefusedWithTheBracketedForm() {
        assertThatThrownBy(() -> HostSpec.parse("2001:db8::1", 10, 1))
            .hasMessage("\"2001:db8::1\" looks like an IPv6 address; write it in brackets, e.g. [2001:db8::1]");
    }

    @Test
    void missingClosingBracketIsRefused() {
        assertThatThrownBy(() -> HostSpec.parse("[192.0.2.7:25", 10, 1))
            .hasMessageStartingWith("\"[192.0.2.7:25\" has no closing ']'");
    }

    @Test
    void textAfterTheBracketOtherThanAPortIsRefused() {
        assertThatThrownBy(() -> HostSpec.parse("[192.0.2.7]25", 10, 1))
            .hasMessageStartingWith("\"[192.0.2.7]25\" has \"25\" after the ']'");
    }

    @Test
    void emptyHostIsRefused() {
        assertThatThrownBy(() -> HostSpec.parse("  ", 10, 1)).hasMessageStartingWith("the host is empty; write a server");
    }

    @Test
    void invalidNameIsRefusedWithTheForms() {
        assertThatThrownBy(() -> HostSpec.parse("-mail.acme.test", 10, 1))
            .hasMessage("\"-mail.acme.test\" is not a valid domain name: label \"-mail\" starts or ends with a hyphen; "
                + "write a server as name, name:port, [IP address] or [IP address]:port, e.g. mail1.acme.test:2525 or "
                + "[192.0.2.7]");
    }

    @Test
    void emptyPortIsRefused() {
        assertThatThrownBy(() -> HostSpec.parse("mail.acme.test:", 10, 1))
            .hasMessageContaining("the port after ':' must be a whole number from 1 to 65535");
    }

    @Test
    void constructorRefusesOutOfRangeNumbers() {
        assertThatThrownBy(() -> new HostSpec("m.acme.test", false, OptionalInt.of(0), 10, 1))
            .hasMessageStartingWith("port must be");
        assertThatThrownBy(() -> new HostSpec("m.acme.test", false, OptionalInt.empty(), 65536, 1))
            .hasMessageStartingWith("preference must be");
        assertThatThrownBy(() -> new HostSpec("m.acme.test", false, OptionalInt.empty(), 10, 0))
            .hasMessageStartingWith("weight must be");
    }

    @ParameterizedTest
    @ValueSource(strings = {"192.0.2.7", "[192.0.2.7]"})
    void aServerGivenAloneMayBeAnIpv4AddressWithOrWithoutBrackets(String server) {
        assertThat(HostSpec.ofServer(server, OptionalInt.of(2525), 20, 3))
            .isEqualTo(new HostSpec("192.0.2.7", true, OptionalInt.of(2525), 20, 3));
    }

    @ParameterizedTest
    @ValueSource(strings = {"2001:db8::1", "[2001:db8::1]", "[IPv6:2001:db8::1]", "2001:DB8:0::1"})
    void aServerGivenAloneMayBeAnIpv6AddressWithOrWithoutBrackets(String server) {
        assertThat(HostSpec.ofServer(server, OptionalInt.empty(), 10, 1))
            .isEqualTo(new HostSpec("2001:db8::1", true, OptionalInt.empty(), 10, 1));
    }

    @Test
    void aServerGivenAloneMayBeAHostName() {
        assertThat(HostSpec.ofServer("Mail1.Acme.Test", OptionalInt.empty(), 10, 1))
            .isEqualTo(new HostSpec("mail1.acme.test", false, OptionalInt.empty(), 10, 1));
    }

    @ParameterizedTest
    @ValueSource(strings = {"mail1.acme.test:2525", "[192.0.2.7]:25", "", " ", "bad_name.test", "[mail1.acme.test]",
        "192.0.2.300", "fe80::1%eth0", "[192.0.2.7"})
    void aServerGivenAloneWithAPortOrMalformedIsRefused(String server) {
        assertThatThrownBy(() -> HostSpec.ofServer(server, OptionalInt.empty(), 10, 1))
            .isInstanceOf(IllegalArgumentException.class);
    }
}
