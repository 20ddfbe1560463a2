package io.github.tiereddelivery.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** RFC 3461: ENVID and ORCPT reach the next hop as the client wrote them (James keeps them in xtext). */
class EnvelopesTest {

    @Test
    void anEnvelopeIdInXtextIsRelayedUnchangedNotEncodedTwice() {
        assertThat(Envelopes.asXtext("abc+2Bdef+3Dxyz")).isEqualTo("abc+2Bdef+3Dxyz");
    }

    @Test
    void anOriginalRecipientInXtextIsRelayedUnchanged() {
        assertThat(Envelopes.asXtext("a+2Bb+3Dc@x.test")).isEqualTo("a+2Bb+3Dc@x.test");
    }

    @Test
    void aValueThatIsNotXtextIsEncoded() {
        assertThat(Envelopes.asXtext("a=b")).isEqualTo("a+3Db");
        assertThat(Envelopes.asXtext("été")).isEqualTo("+E9t+E9");
    }
}
