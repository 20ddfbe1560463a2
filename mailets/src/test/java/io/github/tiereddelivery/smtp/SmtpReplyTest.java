package io.github.tiereddelivery.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SmtpReplyTest {

    @Test
    void aLimitOfRecipientsPerTransactionIsToldByItsStatusOrItsWords() {
        assertThat(SmtpReply.of(452, "4.5.3 Too many recipients").refusesForTooManyRecipients()).isTrue();
        assertThat(SmtpReply.of(452, "Error: too many recipients").refusesForTooManyRecipients()).isTrue();
        assertThat(SmtpReply.of(552, "5.5.3 Too many recipients").refusesForTooManyRecipients()).isTrue();
    }

    @Test
    void otherTemporaryRefusalsAreNoLimitOfRecipients() {
        assertThat(SmtpReply.of(452, "4.3.1 Insufficient system storage").refusesForTooManyRecipients()).isFalse();
        assertThat(SmtpReply.of(451, "4.5.3 odd").refusesForTooManyRecipients()).isFalse();
        assertThat(SmtpReply.of(550, "5.1.1 too many recipients named bob").refusesForTooManyRecipients()).isFalse();
    }

    @Test
    void enhancedStatusIsTakenFromTheStartOfTheFirstLine() {
        SmtpReply reply = SmtpReply.of(550, "5.1.1 <bob@acme.test>: user unknown");

        assertThat(reply.enhancedStatus()).contains("5.1.1");
    }

    @Test
    void enhancedStatusAcceptsThreeDigitSubjectAndDetail() {
        assertThat(SmtpReply.of(451, "4.123.456 try later").enhancedStatus()).contains("4.123.456");
    }

    @Test
    void enhancedStatusAloneOnTheLineIsRecognised() {
        assertThat(SmtpReply.of(250, "2.0.0").enhancedStatus()).contains("2.0.0");
    }

    @Test
    void replyWithoutEnhancedStatusHasNone() {
        assertThat(SmtpReply.of(550, "user unknown").enhancedStatus()).isEmpty();
        assertThat(SmtpReply.of(550, "5.1 user unknown").enhancedStatus()).isEmpty();
        assertThat(SmtpReply.of(550, "5.1.1user unknown").enhancedStatus()).isEmpty();
    }

    @Test
    void enhancedStatusWhoseClassContradictsTheCodeIsIgnored() {
        assertThat(SmtpReply.of(250, "5.1.1 odd").enhancedStatus()).isEmpty();
    }

    @Test
    void enhancedStatusIsOnlyReadFromTheFirstLine() {
        assertThat(SmtpReply.of(550, "user unknown", "5.1.1 details").enhancedStatus()).isEmpty();
    }

    @Test
    void asStringIsTheReplyAsSentWithLinesJoinedBySpaces() {
        assertThat(SmtpReply.of(550, "5.1.1 <bob@acme.test>: user unknown").asString())
            .isEqualTo("550 5.1.1 <bob@acme.test>: user unknown");
        assertThat(SmtpReply.of(550, "5.7.1 first", "5.7.1 second").asString())
            .isEqualTo("550-5.7.1 first 550 5.7.1 second");
    }

    @Test
    void codeOnlyReplyIsJustTheCode() {
        assertThat(SmtpReply.of(250).asString()).isEqualTo("250");
    }

    @Test
    void classifiesByFirstDigit() {
        assertThat(SmtpReply.of(250, "ok").isPositive()).isTrue();
        assertThat(SmtpReply.of(354, "go").isPositive()).isFalse();
        assertThat(SmtpReply.of(451, "later").isTransient()).isTrue();
        assertThat(SmtpReply.of(554, "no").isPermanent()).isTrue();
        assertThat(SmtpReply.of(554, "no").isTransient()).isFalse();
    }

    @Test
    void codeOutsideTwoHundredToFiveNinetyNineIsRejected() {
        assertThatThrownBy(() -> SmtpReply.of(199, "x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SmtpReply.of(600, "x")).isInstanceOf(IllegalArgumentException.class);
    }
}
