package io.github.tiereddelivery.routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RouteKeyTest {

    @Test
    void starIsTheDefaultKey() {
        assertThat(RouteKey.ofDomain("*")).isEqualTo(new RouteKey.Default());
    }

    @Test
    void starDotNameIsASuffixKeyOfItsParent() {
        assertThat(RouteKey.ofDomain("*.initech.test")).isEqualTo(new RouteKey.Suffix("initech.test"));
    }

    @Test
    void plainNameIsADomainKey() {
        assertThat(RouteKey.ofDomain("acme.test")).isEqualTo(new RouteKey.Domain("acme.test"));
    }

    @Test
    void singleLabelNameIsADomainKey() {
        assertThat(RouteKey.ofDomain("intranet")).isEqualTo(new RouteKey.Domain("intranet"));
    }

    @Test
    void eachKeyIsWrittenAsInTheFileAndNamesItsKind() {
        assertThat(new RouteKey.Recipient("it@acme.test")).extracting(RouteKey::asString, RouteKey::kind)
            .containsExactly("it@acme.test", "recipient");
        assertThat(new RouteKey.Domain("acme.test")).extracting(RouteKey::asString, RouteKey::kind)
            .containsExactly("acme.test", "domain");
        assertThat(new RouteKey.Suffix("initech.test")).extracting(RouteKey::asString, RouteKey::kind)
            .containsExactly("*.initech.test", "suffix");
        assertThat(new RouteKey.Default()).extracting(RouteKey::asString, RouteKey::kind)
            .containsExactly("*", "default");
    }

    @Test
    void domainIsHeldLowerCaseInALabelForm() {
        assertThat(new RouteKey.Domain("Bücher.TEST").domain()).isEqualTo("xn--bcher-kva.test");
    }

    @Test
    void recipientIsHeldLowerCaseWithItsDomainInALabelForm() {
        assertThat(RouteKey.ofRecipient("Info@Bücher.test").asString()).isEqualTo("info@xn--bcher-kva.test");
    }

    @Test
    void recipientLocalPartMayContainAnAtWhenQuoted() {
        assertThat(RouteKey.ofRecipient("\"a@b\"@acme.test").asString()).isEqualTo("\"a@b\"@acme.test");
    }

    @Test
    void recipientWithoutLocalPartIsRefused() {
        assertThatThrownBy(() -> RouteKey.ofRecipient("@acme.test")).hasMessageContaining("has nothing before the @");
    }

    @ParameterizedTest
    @ValueSource(strings = {"a@b@acme.test", "a,b@acme.test", "a(b)@acme.test", "a<b>@acme.test", "a[b]@acme.test",
        "a:b@acme.test", "a;b@acme.test", "a\\b@acme.test"})
    void recipientWhoseLocalPartHoldsACharacterOnlyAQuotedLocalPartMayHoldIsRefused(String address) {
        assertThatThrownBy(() -> RouteKey.ofRecipient(address))
            .hasMessageStartingWith("\"" + address + "\" is not an e-mail address: its local part")
            .hasMessageContaining("which an unquoted local part cannot hold")
            .hasMessageContaining("write it like it@acme.test, or quote an unusual local part");
    }

    @ParameterizedTest
    @ValueSource(strings = {".a@acme.test", "a.@acme.test", "a..b@acme.test"})
    void recipientWhoseLocalPartHasAnEmptyPartBetweenDotsIsRefused(String address) {
        assertThatThrownBy(() -> RouteKey.ofRecipient(address))
            .hasMessageContaining("starts or ends with a dot or has two dots in a row");
    }

    @Test
    void recipientWithAnUnterminatedQuoteIsRefused() {
        assertThatThrownBy(() -> RouteKey.ofRecipient("\"ab@acme.test")).hasMessageContaining("has no closing quote");
    }

    @Test
    void recipientWithTextAfterTheClosingQuoteIsRefused() {
        assertThatThrownBy(() -> RouteKey.ofRecipient("\"a\"b@acme.test")).hasMessageContaining("goes on after its closing quote");
    }

    @Test
    void recipientWithANonAsciiLocalPartIsRefusedAsJamesTakesNone() {
        assertThatThrownBy(() -> RouteKey.ofRecipient("jürgen@acme.test")).hasMessageContaining("James 3.8.1 cannot take (ASCII only)");
    }

    @ParameterizedTest
    @ValueSource(strings = {"it+tag@acme.test", "first.last@acme.test", "o'brien@acme.test", "a!#$%&*/=?^_`{|}~-@acme.test",
        "\"a,b\"@acme.test", "\"a\\\"b\"@acme.test", "\"x y\"@acme.test"})
    void recipientWithAnyLocalPartRfc5321AllowsIsTaken(String address) {
        assertThat(RouteKey.ofRecipient(address).asString()).isEqualTo(address);
    }

    @Test
    void recipientWithATabInItsQuotedLocalPartIsRefused() {
        assertThatThrownBy(() -> RouteKey.ofRecipient("\"x\ty\"@acme.test")).hasMessageContaining("contains a space or control character");
    }

    @Test
    void recipientWithASpaceIsRefused() {
        assertThatThrownBy(() -> RouteKey.ofRecipient("i t@acme.test")).hasMessageContaining("contains a space");
    }

    @Test
    void addressAsDomainIsRefused() {
        assertThatThrownBy(() -> RouteKey.ofDomain("it@acme.test"))
            .hasMessage("\"it@acme.test\" is an address, not a domain; use a recipient route for one address");
    }

    @Test
    void labelStartingOrEndingWithAHyphenIsRefused() {
        assertThatThrownBy(() -> new RouteKey.Domain("acme-.test")).hasMessageContaining("starts or ends with a hyphen");
        assertThatThrownBy(() -> new RouteKey.Domain("-acme.test")).hasMessageContaining("starts or ends with a hyphen");
    }

    @Test
    void labelLongerThan63CharactersIsRefused() {
        assertThatThrownBy(() -> new RouteKey.Domain("a".repeat(64) + ".test"))
            .hasMessageContaining("is longer than 63 characters");
    }

    @Test
    void nameLongerThan253CharactersIsRefused() {
        String name = ("a".repeat(60) + ".").repeat(5) + "test";

        assertThatThrownBy(() -> new RouteKey.Domain(name)).hasMessageContaining("is longer than 253 characters");
    }

    @Test
    void nameWithASpaceIsRefused() {
        assertThatThrownBy(() -> new RouteKey.Domain("acme test"))
            .hasMessage("\"acme test\" is not a valid domain name: it contains a space; names use only letters, "
                + "digits, hyphens and dots");
    }

    @Test
    void trailingDotIsRefused() {
        assertThatThrownBy(() -> new RouteKey.Domain("acme.test."))
            .hasMessageContaining("it ends with a dot; remove the trailing dot");
    }

    @Test
    void ipAddressIsNotADomain() {
        assertThatThrownBy(() -> RouteKey.ofDomain("192.0.2.7"))
            .hasMessageContaining("its last label \"7\" is all digits, so it is not a domain name");
    }

    @Test
    void aLabelThatIsNotPunycodeIsRefused() {
        assertThatThrownBy(() -> new RouteKey.Domain("xn--a.test")).hasMessageContaining("is not valid punycode");
    }

    @Test
    void labelThatIdnaProhibitsIsRefused() {
        // U+E000 is a private-use code point, prohibited by stringprep (RFC 3454 C.3).
        assertThatThrownBy(() -> new RouteKey.Domain("\uE000.test")).hasMessageContaining("has no valid ASCII (A-label) form");
    }
}
