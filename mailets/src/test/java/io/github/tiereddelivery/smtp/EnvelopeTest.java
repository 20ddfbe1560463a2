package io.github.tiereddelivery.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class EnvelopeTest {

    @Test
    void lineBreakInAnAddressIsRefusedSoNoCommandCanBeInjected() {
        assertThatThrownBy(() -> Envelope.of("a@s.test>\r\nRCPT TO:<evil@x.test", "b@acme.test"))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("line breaks");
        assertThatThrownBy(() -> EnvelopeRecipient.of("b@acme.test\nDATA"))
            .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void parameterWithSpaceOrControlCharacterIsRefused() {
        assertThatThrownBy(() -> new Envelope("a@s.test", List.of("BODY=8BITMIME SMTPUTF8"),
            List.of(EnvelopeRecipient.of("b@acme.test"))))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("MAIL parameter");
        assertThatThrownBy(() -> new EnvelopeRecipient("b@acme.test", List.of("NOTIFY=FAILURE\r\n")))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("RCPT parameter");
    }

    @Test
    void envelopeWithoutRecipientsIsRefused() {
        assertThatThrownBy(() -> Envelope.of("a@s.test")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void recipientListedTwiceIsRefused() {
        assertThatThrownBy(() -> Envelope.of("a@s.test", "b@acme.test", "b@acme.test"))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("b@acme.test is listed twice");
    }

    @Test
    void nullSenderIsTheEmptyReversePath() {
        assertThat(Envelope.of("", "b@acme.test").reversePath()).isEmpty();
    }
}
