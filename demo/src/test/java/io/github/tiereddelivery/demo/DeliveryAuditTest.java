package io.github.tiereddelivery.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class DeliveryAuditTest {
    @Test
    void everySentMessageReceivedOnceIsExactlyOnceInAnyOrder() {
        DeliveryAudit audit = DeliveryAudit.of(List.of("<1@x>", "<2@x>", "<3@x>"), List.of("<3@x>", "<1@x>", "<2@x>"));

        assertThat(audit.exactlyOnce()).isTrue();
        assertThat(audit.verdict()).isEqualTo("Sent 3, received 3: every message arrived exactly once.");
    }

    @Test
    void aMessageNeverReceivedIsMissing() {
        DeliveryAudit audit = DeliveryAudit.of(List.of("<1@x>", "<2@x>"), List.of("<1@x>"));

        assertThat(audit.exactlyOnce()).isFalse();
        assertThat(audit.missing()).containsExactly("<2@x>");
        assertThat(audit.verdict()).isEqualTo("Sent 2, received 1: NOT exactly once: 1 missing (<2@x>), 0 received"
            + " more than once, 0 received that were not sent.");
    }

    @Test
    void aMessageReceivedTwiceIsDuplicatedEvenWhenTheCountsMatch() {
        DeliveryAudit audit = DeliveryAudit.of(List.of("<1@x>", "<2@x>"), List.of("<1@x>", "<1@x>"));

        assertThat(audit.exactlyOnce()).isFalse();
        assertThat(audit.duplicated()).isEqualTo(Map.of("<1@x>", 2));
        assertThat(audit.missing()).containsExactly("<2@x>");
        assertThat(audit.verdict()).contains("1 received more than once (<1@x> x2)");
    }

    @Test
    void aMessageThatWasNotSentIsUnexpected() {
        DeliveryAudit audit = DeliveryAudit.of(List.of("<1@x>"), List.of("<1@x>", "<bounce@james>"));

        assertThat(audit.exactlyOnce()).isFalse();
        assertThat(audit.unexpected()).isEqualTo(1);
        assertThat(audit.verdict()).endsWith("1 received that were not sent.");
    }

    @Test
    void manyMissingMessagesAreCountedAndOnlyTheFirstFiveNamed() {
        DeliveryAudit audit = DeliveryAudit.of(List.of("<1@x>", "<2@x>", "<3@x>", "<4@x>", "<5@x>", "<6@x>", "<7@x>"),
            List.of());

        assertThat(audit.verdict()).contains("7 missing (<1@x>, <2@x>, <3@x>, <4@x>, <5@x>, …)");
    }
}
