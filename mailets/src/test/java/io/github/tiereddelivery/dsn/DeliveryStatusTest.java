package io.github.tiereddelivery.dsn;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.ZonedDateTime;
import java.util.List;
import java.util.Optional;

import org.apache.james.core.MailAddress;
import org.apache.mailet.base.DateFormats;
import org.junit.jupiter.api.Test;

class DeliveryStatusTest {
    private static final ZonedDateTime ARRIVAL = ZonedDateTime.parse("2024-03-01T10:15:30Z");
    private static final ZonedDateTime LAST_ATTEMPT = ZonedDateTime.parse("2024-03-02T11:00:00Z");
    private static final DeliveryStatus.PerMessage PER_MESSAGE = new DeliveryStatus.PerMessage(
        "gw.example.net", Optional.empty(), Optional.empty(), Optional.empty());

    private static DeliveryStatus.PerRecipient recipient(String address, DsnAction action, RecipientStatus status) throws Exception {
        return new DeliveryStatus.PerRecipient(Optional.empty(), new MailAddress(address), action, status, LAST_ATTEMPT);
    }

    private static String text(DeliveryStatus.PerMessage perMessage, DeliveryStatus.PerRecipient... recipients) {
        return new DeliveryStatus(perMessage, List.of(recipients)).asText(DateFormats.RFC822_DATE_FORMAT);
    }

    @Test
    void fieldsComeInRfc3464OrderWithBlankLinesBetweenBlocks() throws Exception {
        DeliveryStatus.PerMessage perMessage = new DeliveryStatus.PerMessage(
            "gw.example.net", Optional.of("QQ314159"), Optional.of("client.origin.test"), Optional.of(ARRIVAL));
        DeliveryStatus.PerRecipient bob = new DeliveryStatus.PerRecipient(Optional.of("robert@acme.test"), new MailAddress("bob@acme.test"),
            DsnAction.FAILED, RecipientStatus.fromSmtpReply(550, Optional.of("5.1.1"), "550 5.1.1 user unknown", Optional.of("mail1.acme.test")),
            LAST_ATTEMPT);
        DeliveryStatus.PerRecipient carol = recipient("carol@acme.test", DsnAction.FAILED, RecipientStatus.of("4.4.1", "Connection refused"));

        assertThat(text(perMessage, bob, carol)).isEqualTo(
            "Original-Envelope-Id: QQ314159\r\n"
                + "Reporting-MTA: dns; gw.example.net\r\n"
                + "Received-From-MTA: dns; client.origin.test\r\n"
                + "Arrival-Date: Fri, 1 Mar 2024 10:15:30 +0000\r\n"
                + "\r\n"
                + "Original-Recipient: rfc822; robert@acme.test\r\n"
                + "Final-Recipient: rfc822; bob@acme.test\r\n"
                + "Action: failed\r\n"
                + "Status: 5.1.1\r\n"
                + "Remote-MTA: dns; mail1.acme.test\r\n"
                + "Diagnostic-Code: smtp; 550 5.1.1 user unknown\r\n"
                + "Last-Attempt-Date: Sat, 2 Mar 2024 11:00:00 +0000\r\n"
                + "\r\n"
                + "Final-Recipient: rfc822; carol@acme.test\r\n"
                + "Action: failed\r\n"
                + "Status: 4.4.1\r\n"
                + "Diagnostic-Code: X-Tiered-Delivery; Connection refused\r\n"
                + "Last-Attempt-Date: Sat, 2 Mar 2024 11:00:00 +0000\r\n");
    }

    @Test
    void successReportsCarryNoDiagnostic() throws Exception {
        String text = text(PER_MESSAGE, recipient("bob@acme.test", DsnAction.RELAYED,
            RecipientStatus.fromSmtpReply(250, Optional.of("2.0.0"), "250 2.0.0 queued", Optional.of("mail1.acme.test"))));

        assertThat(text).contains("Action: relayed\r\nStatus: 2.0.0\r\n").doesNotContain("Diagnostic-Code");
    }

    @Test
    void emptyDiagnosticIsLeftOut() throws Exception {
        String text = text(PER_MESSAGE, recipient("bob@acme.test", DsnAction.FAILED, RecipientStatus.of("5.0.0", "")));

        assertThat(text).doesNotContain("Diagnostic-Code");
    }

    @Test
    void longValuesAreFoldedIntoShortContinuationLines() throws Exception {
        String reply = "550 5.7.1 " + "policy violation ".repeat(20);
        String text = text(PER_MESSAGE, recipient("bob@acme.test", DsnAction.FAILED,
            RecipientStatus.fromSmtpReply(550, Optional.of("5.7.1"), reply, Optional.empty())));

        assertThat(text.split("\r\n")).allSatisfy(line -> assertThat(line.length()).isLessThanOrEqualTo(78));
        assertThat(text).contains("Diagnostic-Code: smtp; 550 5.7.1 policy violation policy violation");
    }

    @Test
    void oneLineTurnsLineBreaksIntoSpaces() {
        assertThat(DeliveryStatus.oneLine("550-first\r\n550 second\nthird\rfourth\tfifth")).isEqualTo("550-first 550 second third fourth fifth");
    }

    @Test
    void oneLineReplacesControlAndNonAsciiCharacters() {
        assertThat(DeliveryStatus.oneLine("caf\u00e9\u0000\u001b[31m")).isEqualTo("caf???[31m");
    }

    @Test
    void oneLineBreaksRunsTooLongToFold() {
        String folded = DeliveryStatus.oneLine("z".repeat(2000));

        assertThat(folded.split(" ")).allSatisfy(word -> assertThat(word.length()).isLessThanOrEqualTo(900));
        assertThat(folded.replace(" ", "")).isEqualTo("z".repeat(2000));
    }
}
