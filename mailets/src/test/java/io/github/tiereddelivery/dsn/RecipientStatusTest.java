package io.github.tiereddelivery.dsn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RecipientStatusTest {
    private static final Optional<String> MAIL1 = Optional.of("mail1.acme.test");

    @Nested
    class FromSmtpReply {
        @Test
        void enhancedCodeOfTheSameClassIsTheStatus() {
            RecipientStatus status = RecipientStatus.fromSmtpReply(550, Optional.of("5.1.1"), "550 5.1.1 <bob@acme.test>: user unknown", MAIL1);

            assertThat(status).isEqualTo(new RecipientStatus("5.1.1", "smtp", "550 5.1.1 <bob@acme.test>: user unknown", MAIL1));
        }

        @Test
        void withoutEnhancedCodeTheStatusIsTheClassOfTheReplyCode() {
            assertThat(RecipientStatus.fromSmtpReply(554, Optional.empty(), "554 no", MAIL1).status()).isEqualTo("5.0.0");
            assertThat(RecipientStatus.fromSmtpReply(451, Optional.empty(), "451 try later", MAIL1).status()).isEqualTo("4.0.0");
        }

        @Test
        void enhancedCodeOfAnotherClassIsIgnored() {
            RecipientStatus status = RecipientStatus.fromSmtpReply(550, Optional.of("4.2.2"), "550 4.2.2 mailbox full", MAIL1);

            assertThat(status.status()).isEqualTo("5.0.0");
        }

        @Test
        void malformedEnhancedCodeIsIgnored() {
            RecipientStatus status = RecipientStatus.fromSmtpReply(450, Optional.of("4.1000.1"), "450 4.1000.1 busy", MAIL1);

            assertThat(status.status()).isEqualTo("4.0.0");
        }

        @Test
        void replyCodeIsPutInFrontOfATextWithoutIt() {
            RecipientStatus status = RecipientStatus.fromSmtpReply(550, Optional.of("5.1.1"), "5.1.1 user unknown", MAIL1);

            assertThat(status.diagnostic()).isEqualTo("550 5.1.1 user unknown");
        }

        @Test
        void remoteMtaIsKept() {
            assertThat(RecipientStatus.fromSmtpReply(550, Optional.empty(), "550 no", MAIL1).remoteMta()).isEqualTo(MAIL1);
        }

        @ParameterizedTest
        @ValueSource(ints = {354, 199, 600, 55})
        void replyCodeThatIsNotADeliveryStatusIsRejected(int code) {
            assertThatThrownBy(() -> RecipientStatus.fromSmtpReply(code, Optional.empty(), "odd", MAIL1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("SMTP reply code " + code);
        }
    }

    @Nested
    class Of {
        @Test
        void isANonSmtpDiagnosticWithoutRemoteMta() {
            RecipientStatus status = RecipientStatus.of("4.4.1", "connect to mail1.acme.test[127.0.0.2]:25: Connection refused");

            assertThat(status).isEqualTo(new RecipientStatus("4.4.1", "X-Tiered-Delivery",
                "connect to mail1.acme.test[127.0.0.2]:25: Connection refused", Optional.empty()));
        }

        @ParameterizedTest
        @ValueSource(strings = {"2.0.0", "4.4.1", "5.1.10", "5.999.999", "4.0.0"})
        void acceptsRfc3463Codes(String code) {
            assertThat(RecipientStatus.of(code, "x").status()).isEqualTo(code);
        }

        @ParameterizedTest
        @ValueSource(strings = {"3.0.0", "5.1000.1", "5.1.1000", "550", "5.1", "5.1.1 ", "unknown", "", "5.a.1"})
        void rejectsAnythingElseSayingWhatIsExpected(String code) {
            assertThatThrownBy(() -> RecipientStatus.of(code, "x"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("is not an RFC 3463 status code");
        }
    }

    @Test
    void diagnosticTypeMustBeAnAtom() {
        assertThatThrownBy(() -> new RecipientStatus("5.0.0", "smtp; 550", "x", Optional.empty()))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("is not an RFC 3464 diagnostic type");
    }

    @Test
    void blankRemoteMtaIsRejected() {
        assertThatThrownBy(() -> new RecipientStatus("5.0.0", "smtp", "x", Optional.of(" ")))
            .isInstanceOf(IllegalArgumentException.class);
    }

    @Nested
    class ParseSmtpReply {
        @Test
        void enhancedCodeInTheTextIsTheStatus() {
            assertThat(RecipientStatus.parseSmtpReply("550 5.7.1 relay denied"))
                .contains(new RecipientStatus("5.7.1", "smtp", "550 5.7.1 relay denied", Optional.empty()));
        }

        @Test
        void replyWithoutEnhancedCodeGivesTheClassOfItsCode() {
            assertThat(RecipientStatus.parseSmtpReply("554 no"))
                .contains(new RecipientStatus("5.0.0", "smtp", "554 no", Optional.empty()));
        }

        @Test
        void continuationLineOfAMultiLineReplyIsRead() {
            assertThat(RecipientStatus.parseSmtpReply("421-4.7.0 too many connections\n421 4.7.0 try later"))
                .map(RecipientStatus::status).contains("4.7.0");
        }

        @Test
        void bareReplyCodeIsRead() {
            assertThat(RecipientStatus.parseSmtpReply("550")).map(RecipientStatus::status).contains("5.0.0");
        }

        @ParameterizedTest
        @ValueSource(strings = {"Connection refused", "5500 odd", "354 go ahead", "55 short", "", "Unknown host: acme.test"})
        void textThatIsNotAFailureReplyIsNotRead(String text) {
            assertThat(RecipientStatus.parseSmtpReply(text)).isEmpty();
        }
    }
}
