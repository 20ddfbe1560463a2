package io.github.tiereddelivery.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

import com.google.common.base.Throwables;

import io.github.tiereddelivery.it.support.TieredJames;

/** Case 12: James refuses to start on an invalid routes file, and says what is wrong and where. */
class InvalidRoutesFileTest {

    private static String startupFailure(TieredJames.Builder james) {
        Throwable[] failure = new Throwable[1];
        assertThatThrownBy(() -> james.start().close()).satisfies(thrown -> failure[0] = thrown);
        StringBuilder messages = new StringBuilder();
        Throwables.getCausalChain(failure[0]).forEach(cause -> messages.append(cause.getMessage()).append('\n'));
        return messages.toString();
    }

    @Test
    void aBadPreferenceStopsJamesNamingTheLineAndTheFix() {
        String failure = startupFailure(TieredJames.builder().routesXml("<delivery-routes>\n"
            + "  <route domain=\"acme.test\">\n"
            + "    <host preference=\"high\">mail.acme.test</host>\n"
            + "  </route>\n"
            + "</delivery-routes>\n"));

        assertThat(failure).contains("delivery-routes.xml line 3").contains("preference").contains("0 to 65535");
    }

    @Test
    void hostAndMxTogetherStopJames() {
        String failure = startupFailure(TieredJames.builder().routesXml("<delivery-routes>\n"
            + "  <route domain=\"acme.test\" mx=\"delivery.acme.test\">\n"
            + "    <host>mail.acme.test</host>\n"
            + "  </route>\n"
            + "</delivery-routes>\n"));

        assertThat(failure).contains("line 2").contains("either <host> children or an mx attribute");
    }

    @Test
    void anUnknownElementStopsJames() {
        String failure = startupFailure(TieredJames.builder().routesXml("<delivery-routes>\n"
            + "  <route domain=\"acme.test\"><server>mail.acme.test</server></route>\n"
            + "</delivery-routes>\n"));

        assertThat(failure).contains("line 2").contains("<server>");
    }

    @Test
    void anInvalidMailetParameterStopsJames() {
        String failure = startupFailure(TieredJames.builder().mailetParameter("defaultPort", "smtp"));

        assertThat(failure).contains("<defaultPort>smtp</defaultPort>").contains("from 1 to 65535");
    }
}
