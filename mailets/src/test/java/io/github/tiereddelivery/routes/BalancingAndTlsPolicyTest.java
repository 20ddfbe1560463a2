package io.github.tiereddelivery.routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;

import org.junit.jupiter.api.Test;

class BalancingAndTlsPolicyTest {

    @Test
    void balancingNamesReadIgnoringCase() {
        assertThat(Balancing.parse("Random")).isEqualTo(Balancing.RANDOM);
        assertThat(Balancing.parse("ROUND-ROBIN")).isEqualTo(Balancing.ROUND_ROBIN);
        assertThat(Balancing.parse("weighted")).isEqualTo(Balancing.WEIGHTED);
    }

    @Test
    void balancingIsWrittenAsReadInTheFile() {
        assertThat(Arrays.stream(Balancing.values()).map(Balancing::asString))
            .containsExactly("random", "round-robin", "weighted");
    }

    @Test
    void unknownBalancingIsRefused() {
        assertThatThrownBy(() -> Balancing.parse("round_robin")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void tlsPoliciesReadIgnoringCase() {
        assertThat(TlsPolicy.parse("NONE")).isEqualTo(TlsPolicy.NONE);
        assertThat(TlsPolicy.parse("Opportunistic")).isEqualTo(TlsPolicy.OPPORTUNISTIC);
        assertThat(TlsPolicy.parse("required")).isEqualTo(TlsPolicy.REQUIRED);
    }

    @Test
    void tlsPolicyIsWrittenAsReadInTheFile() {
        assertThat(Arrays.stream(TlsPolicy.values()).map(TlsPolicy::asString))
            .containsExactly("none", "opportunistic", "required");
    }

    @Test
    void unknownTlsPolicyIsRefused() {
        assertThatThrownBy(() -> TlsPolicy.parse("starttls")).isInstanceOf(IllegalArgumentException.class);
    }
}
