package io.github.tiereddelivery.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class EhloCapabilitiesTest {

    private static EhloCapabilities parse(String... extensions) {
        String[] lines = new String[extensions.length + 1];
        lines[0] = "mx.acme.test greets client.test";
        System.arraycopy(extensions, 0, lines, 1, extensions.length);
        return EhloCapabilities.parse(SmtpReply.of(250, lines));
    }

    @Test
    void keywordsAreComparedCaseInsensitively() {
        EhloCapabilities capabilities = parse("pipelining", "8BITMIME");

        assertThat(capabilities.supports("PIPELINING")).isTrue();
        assertThat(capabilities.supports("8bitmime")).isTrue();
        assertThat(capabilities.supports("STARTTLS")).isFalse();
    }

    @Test
    void theGreetingLineIsNotAnExtension() {
        assertThat(parse().supports("mx.acme.test")).isFalse();
    }

    @Test
    void maxSizeComesFromTheSizeParameter() {
        assertThat(parse("SIZE 35882577").maxSize()).hasValue(35882577);
    }

    @Test
    void sizeWithoutAPositiveNumberMeansNoDeclaredLimit() {
        assertThat(parse("SIZE").maxSize()).isEmpty();
        assertThat(parse("SIZE 0").maxSize()).isEmpty();
        assertThat(parse("SIZE lots").maxSize()).isEmpty();
        assertThat(parse("PIPELINING").maxSize()).isEmpty();
    }

    @Test
    void authMechanismsAreListedInUpperCase() {
        assertThat(parse("AUTH plain LOGIN CRAM-MD5").authMechanisms()).containsExactlyInAnyOrder(
            "PLAIN", "LOGIN", "CRAM-MD5");
    }

    @Test
    void legacyAuthEqualsSyntaxIsUnderstood() {
        EhloCapabilities capabilities = parse("AUTH=LOGIN PLAIN");

        assertThat(capabilities.supports("AUTH")).isTrue();
        assertThat(capabilities.authMechanisms()).containsExactlyInAnyOrder("LOGIN", "PLAIN");
    }

    @Test
    void heloMeansNoExtensions() {
        assertThat(EhloCapabilities.none().supports("PIPELINING")).isFalse();
        assertThat(EhloCapabilities.none().authMechanisms()).isEmpty();
        assertThat(EhloCapabilities.none().maxSize()).isEmpty();
    }
}
