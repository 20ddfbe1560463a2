package io.github.tiereddelivery.dsn;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Optional;

import org.apache.james.core.MailAddress;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.base.test.FakeMail;
import org.junit.jupiter.api.Test;

import com.google.common.collect.ImmutableMap;

class RecipientStatusesTest {
    private static final RecipientStatus BOB_UNKNOWN = RecipientStatus.fromSmtpReply(
        550, Optional.of("5.1.1"), "550 5.1.1 <bob@acme.test>: user unknown", Optional.of("mail1.acme.test"));
    private static final RecipientStatus CAROL_UNREACHABLE = RecipientStatus.of(
        "4.4.1", "connect to mail1.acme.test[127.0.0.2]:25: Connection refused");

    private static MailAddress address(String address) throws Exception {
        return new MailAddress(address);
    }

    private static FakeMail mailWith(Attribute attribute) throws Exception {
        return FakeMail.builder().name("mail-1").attribute(attribute).build();
    }

    @Test
    void attributeHasTheContractName() {
        assertThat(RecipientStatuses.asAttribute(Map.of()).getName().asString()).isEqualTo("tiered-delivery.recipient-status");
    }

    @Test
    void statusesWrittenAreReadBack() throws Exception {
        Map<MailAddress, RecipientStatus> statuses = ImmutableMap.of(address("bob@acme.test"), BOB_UNKNOWN, address("carol@acme.test"), CAROL_UNREACHABLE);

        assertThat(RecipientStatuses.read(mailWith(RecipientStatuses.asAttribute(statuses)))).isEqualTo(statuses);
    }

    @Test
    void statusesSurviveJamesJsonSerialisationOfAttributes() throws Exception {
        Map<MailAddress, RecipientStatus> statuses = ImmutableMap.of(address("bob@acme.test"), BOB_UNKNOWN, address("carol@acme.test"), CAROL_UNREACHABLE);
        Attribute written = RecipientStatuses.asAttribute(statuses);

        String json = written.getValue().toJson().orElseThrow().toString();
        Attribute queued = new Attribute(written.getName(), AttributeValue.fromJsonString(json));

        assertThat(RecipientStatuses.read(mailWith(queued))).isEqualTo(statuses);
    }

    @Test
    void statusesSurviveDuplicationOfTheMail() throws Exception {
        Map<MailAddress, RecipientStatus> statuses = ImmutableMap.of(address("bob@acme.test"), BOB_UNKNOWN);

        Attribute duplicated = RecipientStatuses.asAttribute(statuses).duplicate();

        assertThat(RecipientStatuses.read(mailWith(duplicated))).isEqualTo(statuses);
    }

    @Test
    void recipientsAreFoundWhateverTheCaseOfTheirAddress() throws Exception {
        Attribute attribute = RecipientStatuses.asAttribute(ImmutableMap.of(address("Bob@ACME.test"), BOB_UNKNOWN));

        assertThat(RecipientStatuses.read(mailWith(attribute))).containsEntry(address("bob@acme.test"), BOB_UNKNOWN);
    }

    @Test
    void absentAttributeGivesNoStatuses() throws Exception {
        assertThat(RecipientStatuses.read(FakeMail.builder().name("mail-1").build())).isEmpty();
    }

    @Test
    void attributeOfAnotherTypeGivesNoStatuses() throws Exception {
        Attribute garbled = new Attribute(RecipientStatuses.ATTRIBUTE_NAME, AttributeValue.of("5.1.1"));

        assertThat(RecipientStatuses.read(mailWith(garbled))).isEmpty();
    }

    @Test
    void unreadableEntriesAreLeftOutAndTheOthersKept() throws Exception {
        Map<String, AttributeValue<?>> goodEntry = ImmutableMap.of("status", AttributeValue.of("5.1.1"),
            "diagnostic-type", AttributeValue.of("smtp"), "diagnostic", AttributeValue.of("550 5.1.1 user unknown"));
        Map<String, AttributeValue<?>> badStatus = ImmutableMap.of("status", AttributeValue.of("550"),
            "diagnostic-type", AttributeValue.of("smtp"), "diagnostic", AttributeValue.of("550 no"));
        Map<String, AttributeValue<?>> noStatus = ImmutableMap.of("diagnostic", AttributeValue.of("lost"));
        Attribute garbled = new Attribute(RecipientStatuses.ATTRIBUTE_NAME, AttributeValue.of(ImmutableMap.<String, AttributeValue<?>>of(
            "bob@acme.test", AttributeValue.of(goodEntry),
            "not an address", AttributeValue.of(goodEntry),
            "carol@acme.test", AttributeValue.of(badStatus),
            "dave@acme.test", AttributeValue.of(noStatus),
            "erin@acme.test", AttributeValue.of(42))));

        assertThat(RecipientStatuses.read(mailWith(garbled))).containsOnlyKeys(address("bob@acme.test"));
    }
}
