package io.github.tiereddelivery.mailets;

import static org.apache.james.transport.mailets.remote.delivery.Bouncer.DELIVERY_ERROR;
import static org.apache.james.transport.mailets.remote.delivery.Bouncer.IS_DELIVERY_PERMANENT_ERROR;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.Mockito.spy;
import static org.mockito.Mockito.verify;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.ZonedDateTime;
import java.util.Date;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;

import javax.mail.MessagingException;
import javax.mail.internet.ContentType;
import javax.mail.internet.InternetAddress;
import javax.mail.internet.MimeMessage;

import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.apache.james.core.builder.MimeMessageBuilder;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeName;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.DsnParameters;
import org.apache.mailet.DsnParameters.EnvId;
import org.apache.mailet.DsnParameters.Notify;
import org.apache.mailet.DsnParameters.RecipientDsnParameters;
import org.apache.mailet.DsnParameters.Ret;
import org.apache.mailet.Mail;
import org.apache.mailet.base.test.FakeMail;
import org.apache.mailet.base.test.FakeMailContext;
import org.apache.mailet.base.test.FakeMailetConfig;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;

import com.google.common.collect.ImmutableMap;

import io.github.tiereddelivery.dsn.RecipientStatus;
import io.github.tiereddelivery.dsn.RecipientStatuses;

class TieredDSNBounceTest {
    private static final String HOST = "gw.example.net";
    private static final String SENDER = "alice@origin.test";
    private static final String BOB = "bob@acme.test";
    private static final String CAROL = "carol@acme.test";
    private static final String ORIGINAL_SUBJECT = "Quarterly report";
    private static final String ORIGINAL_BODY = "The numbers are inside.";
    private static final RecipientStatus BOB_UNKNOWN = RecipientStatus.fromSmtpReply(
        550, Optional.of("5.1.1"), "550 5.1.1 <bob@acme.test>: user unknown", Optional.of("mail1.acme.test"));
    private static final RecipientStatus CAROL_UNREACHABLE = RecipientStatus.of(
        "4.4.1", "connect to mail1.acme.test[127.0.0.2]:25: Connection refused");

    private FakeMailContext context;
    private TieredDSNBounce mailet;

    @BeforeEach
    void setUp() throws Exception {
        context = FakeMailContext.builder().postmaster(new MailAddress("postmaster@" + HOST)).build();
        mailet = new TieredDSNBounce(new FixedHostDnsService(HOST));
    }

    private void init(String... nameValuePairs) throws MessagingException {
        FakeMailetConfig.Builder config = FakeMailetConfig.builder().mailetName("bounces").mailetContext(context);
        for (int i = 0; i < nameValuePairs.length; i += 2) {
            config.setProperty(nameValuePairs[i], nameValuePairs[i + 1]);
        }
        mailet.init(config.build());
    }

    private static FakeMail.Builder failedMail(String... recipients) throws Exception {
        return FakeMail.builder()
            .name("mail-1")
            .sender(SENDER)
            .recipients(recipients)
            .lastUpdated(new Date())
            .remoteHost("client.origin.test")
            .mimeMessage(MimeMessageBuilder.mimeMessageBuilder()
                .addFrom(SENDER)
                .addToRecipient(recipients)
                .setSubject(ORIGINAL_SUBJECT)
                .setText(ORIGINAL_BODY));
    }

    private static Attribute statuses(Map<String, RecipientStatus> byRecipient) throws Exception {
        ImmutableMap.Builder<MailAddress, RecipientStatus> statuses = ImmutableMap.builder();
        for (Map.Entry<String, RecipientStatus> entry : byRecipient.entrySet()) {
            statuses.put(new MailAddress(entry.getKey()), entry.getValue());
        }
        return RecipientStatuses.asAttribute(statuses.build());
    }

    private static Attribute deliveryError(String error) {
        return new Attribute(DELIVERY_ERROR, AttributeValue.of(error));
    }

    private ParsedReport onlyReport() throws Exception {
        assertThat(context.getSentMails()).hasSize(1);
        return ParsedReport.of(context.getSentMails().get(0).getMsg());
    }

    private ParsedReport reportFor(Mail mail) throws Exception {
        mailet.service(mail);
        return onlyReport();
    }

    @Nested
    class Envelope {
        @Test
        void reportGoesToTheOriginalSenderWithANullReversePath() throws Exception {
            init();
            mailet.service(failedMail(BOB).build());

            FakeMailContext.SentMail sent = context.getSentMails().get(0);
            assertThat(sent.getRecipients()).containsExactly(new MailAddress(SENDER));
            assertThat(sent.getSender()).isNull();
            assertThat(sent.getMsg().getHeader("To", null)).isEqualTo(SENDER);
        }

        @Test
        void reportEntersTheRootProcessor() throws Exception {
            init();
            mailet.service(failedMail(BOB).build());

            assertThat(context.getSentMails().get(0).getState()).isEqualTo(Mail.DEFAULT);
        }

        @Test
        void reportHasAFreshNameNotDerivedFromTheOriginal() throws Exception {
            context = spy(context);
            init();
            mailet.service(failedMail(BOB).build());

            ArgumentCaptor<Mail> report = ArgumentCaptor.forClass(Mail.class);
            verify(context).sendMail(report.capture());
            assertThat(report.getValue().getName()).doesNotContain("mail-1").doesNotContain("!");
        }

        @Test
        void reportComesFromThePostmasterByDefault() throws Exception {
            init();
            ParsedReport report = reportFor(failedMail(BOB).build());

            assertThat(report.message().getFrom()).containsExactly(new InternetAddress("postmaster@" + HOST));
        }

        @Test
        void senderParameterSetsTheFromAddress() throws Exception {
            init("sender", "Mail Delivery System <mailer-daemon@" + HOST + ">");
            ParsedReport report = reportFor(failedMail(BOB).build());

            assertThat(((InternetAddress) report.message().getFrom()[0]).getAddress()).isEqualTo("mailer-daemon@" + HOST);
        }

        @Test
        void nullSenderGetsNoReport() throws Exception {
            init();
            FakeMail mail = failedMail(BOB).sender(MaybeSender.nullSender()).build();

            mailet.service(mail);

            assertThat(context.getSentMails()).isEmpty();
        }

        @Test
        void passThroughFalseGhostsTheOriginal() throws Exception {
            init("passThrough", "false");
            FakeMail mail = failedMail(BOB).state("bounces").build();

            mailet.service(mail);

            assertThat(mail.getState()).isEqualTo(Mail.GHOST);
        }

        @Test
        void passThroughByDefaultLeavesTheOriginalGoingOn() throws Exception {
            init();
            FakeMail mail = failedMail(BOB).state("bounces").build();

            mailet.service(mail);

            assertThat(mail.getState()).isEqualTo("bounces");
        }
    }

    @Nested
    class Headers {
        @Test
        void subjectSaysUndeliveredAndKeepsTheOriginalSubject() throws Exception {
            init();
            ParsedReport report = reportFor(failedMail(BOB).build());

            assertThat(report.message().getSubject()).isEqualTo("Undelivered Mail Returned to Sender: " + ORIGINAL_SUBJECT);
        }

        @Test
        void prefixParameterReplacesTheSubjectPrefix() throws Exception {
            init("prefix", "[Bounce]");
            ParsedReport report = reportFor(failedMail(BOB).build());

            assertThat(report.message().getSubject()).isEqualTo("[Bounce] " + ORIGINAL_SUBJECT);
        }

        @Test
        void reportIsMarkedAutomaticAndAnswersTheOriginal() throws Exception {
            init();
            FakeMail mail = failedMail(BOB).build();
            String originalId = mail.getMessage().getMessageID();

            ParsedReport report = reportFor(mail);

            assertThat(report.message().getHeader("Auto-Submitted", null)).isEqualTo("auto-replied");
            assertThat(report.message().getHeader("In-Reply-To", null)).isEqualTo(originalId);
        }
    }

    @Nested
    class Structure {
        @Test
        void reportIsAMultipartReportOfTypeDeliveryStatus() throws Exception {
            init();
            ParsedReport report = reportFor(failedMail(BOB).build());

            ContentType type = new ContentType(report.message().getContentType());
            assertThat(type.getBaseType()).isEqualTo("multipart/report");
            assertThat(type.getParameter("report-type")).isEqualTo("delivery-status");
            assertThat(report.partCount()).isEqualTo(3);
            assertThat(report.part(0).isMimeType("text/plain")).isTrue();
            assertThat(report.part(1).isMimeType("message/delivery-status")).isTrue();
            assertThat(report.part(2).isMimeType("message/rfc822")).isTrue();
        }

        @Test
        void deliveryStatusPartIsSevenBit() throws Exception {
            init();
            ParsedReport report = reportFor(failedMail(BOB).attribute(statuses(Map.of(BOB, BOB_UNKNOWN))).build());

            assertThat(report.part(1).getHeader("Content-Transfer-Encoding")).containsExactly("7bit");
        }

        @Test
        void attachmentMessageReturnsTheWholeMessageByDefault() throws Exception {
            init();
            ParsedReport report = reportFor(failedMail(BOB).build());

            MimeMessage returned = (MimeMessage) report.part(2).getContent();
            assertThat(returned.getSubject()).isEqualTo(ORIGINAL_SUBJECT);
            assertThat(returned.getContent()).isEqualTo(ORIGINAL_BODY);
        }

        @Test
        void returningTheMessageLeavesTheOriginalUnchanged() throws Exception {
            init();
            FakeMail mail = failedMail(BOB).build();
            ByteArrayOutputStream before = new ByteArrayOutputStream();
            mail.getMessage().writeTo(before);

            mailet.service(mail);

            ByteArrayOutputStream after = new ByteArrayOutputStream();
            mail.getMessage().writeTo(after);
            assertThat(after.toString(StandardCharsets.UTF_8)).isEqualTo(before.toString(StandardCharsets.UTF_8));
        }

        @Test
        void attachmentHeadsReturnsOnlyTheHeaders() throws Exception {
            init("attachment", "heads");
            ParsedReport report = reportFor(failedMail(BOB).build());

            assertThat(report.part(2).isMimeType("text/rfc822-headers")).isTrue();
            assertThat(report.partText(2)).contains("Subject: " + ORIGINAL_SUBJECT).doesNotContain(ORIGINAL_BODY);
        }

        @Test
        void aMessageOverMaxReturnedSizeIsReturnedAsItsHeaders() throws Exception {
            init("maxReturnedSize", "100");
            ParsedReport report = reportFor(failedMail(BOB).size(101).build());

            assertThat(report.part(2).isMimeType("text/rfc822-headers")).isTrue();
            assertThat(report.partText(2)).contains("Subject: " + ORIGINAL_SUBJECT).doesNotContain(ORIGINAL_BODY);
        }

        @Test
        void anInvalidMaxReturnedSizeStopsTheMailetSayingWhatToWrite() {
            assertThatThrownBy(() -> init("maxReturnedSize", "50k"))
                .hasMessageContaining("maxReturnedSize '50k'").hasMessageContaining("e.g. 50000");
        }

        @Test
        void attachmentNoneReturnsNothing() throws Exception {
            init("attachment", "none");
            ParsedReport report = reportFor(failedMail(BOB).build());

            assertThat(report.partCount()).isEqualTo(2);
        }

        @Test
        void retHdrsReturnsOnlyTheHeadersThoughTheWholeMessageIsConfigured() throws Exception {
            init("attachment", "message");
            FakeMail mail = failedMail(BOB).build();
            mail.setDsnParameters(DsnParameters.builder().ret(Ret.HDRS).build().orElseThrow());

            ParsedReport report = reportFor(mail);

            assertThat(report.part(2).isMimeType("text/rfc822-headers")).isTrue();
            assertThat(report.partText(2)).doesNotContain(ORIGINAL_BODY);
        }

        @Test
        void humanReadablePartListsEachRecipientWithItsReason() throws Exception {
            init();
            ParsedReport report = reportFor(failedMail(BOB, CAROL)
                .attribute(statuses(ImmutableMap.of(BOB, BOB_UNKNOWN, CAROL, CAROL_UNREACHABLE)))
                .build());

            assertThat(report.humanReadable())
                .contains("This is the mail system at host " + HOST + ".")
                .contains("Original subject: " + ORIGINAL_SUBJECT)
                .contains("<bob@acme.test>: host mail1.acme.test said: 550 5.1.1 <bob@acme.test>: user unknown")
                .contains("<carol@acme.test>: connect to mail1.acme.test[127.0.0.2]:25: Connection refused");
        }

        @Test
        void messageStringReplacesTheExplanationWithMachineSubstituted() throws Exception {
            init("messageString", "Greetings from [machine]; your mail bounced.");
            ParsedReport report = reportFor(failedMail(BOB).build());

            assertThat(report.humanReadable()).startsWith("Greetings from " + HOST + "; your mail bounced.");
        }
    }

    @Nested
    class PerMessageFields {
        @Test
        void reportingMtaIsThisServer() throws Exception {
            init();
            ParsedReport report = reportFor(failedMail(BOB).build());

            assertThat(report.perMessageField("Reporting-MTA")).contains("dns; " + HOST);
        }

        @Test
        void reportingMtaIsThisServersNameEvenWhereItsAddressHasNoReverseDnsName() throws Exception {
            mailet = new TieredDSNBounce(new FixedHostDnsService(HOST) {
                @Override
                public String getHostName(InetAddress addr) {
                    return "127.0.0.1";
                }
            });
            init();
            ParsedReport report = reportFor(failedMail(BOB).build());

            assertThat(report.perMessageField("Reporting-MTA")).contains("dns; " + HOST);
        }

        @Test
        void arrivalDateIsReportedWhenKnown() throws Exception {
            init();
            ParsedReport report = reportFor(failedMail(BOB)
                .attribute(new Attribute(AttributeName.of("dsn-arrival-date"), AttributeValue.of(ZonedDateTime.parse("2024-03-01T10:15:30Z"))))
                .build());

            assertThat(report.perMessageField("Arrival-Date")).hasValueSatisfying(date -> assertThat(date).contains("1 Mar 2024 10:15:30"));
        }

        @Test
        void arrivalDateIsLeftOutWhenUnknown() throws Exception {
            init();
            ParsedReport report = reportFor(failedMail(BOB).build());

            assertThat(report.perMessageField("Arrival-Date")).isEmpty();
        }

        @Test
        void envelopeIdAndOriginalRecipientAreReportedDecoded() throws Exception {
            init();
            FakeMail mail = failedMail(BOB).build();
            mail.setDsnParameters(DsnParameters.builder()
                .envId(EnvId.of("QQ314159+2Bx"))
                .addRcptParameter(new MailAddress(BOB), RecipientDsnParameters.of(new MailAddress("robert+2Bsales@acme.test")))
                .build().orElseThrow());

            ParsedReport report = reportFor(mail);

            assertThat(report.perMessageField("Original-Envelope-Id")).contains("QQ314159+x");
            assertThat(report.recipientField(BOB, "Original-Recipient")).contains("rfc822; robert+sales@acme.test");
        }

        @Test
        void originalRecipientIsLeftOutWithoutOrcpt() throws Exception {
            init();
            ParsedReport report = reportFor(failedMail(BOB).build());

            assertThat(report.recipientField(BOB, "Original-Recipient")).isEmpty();
        }
    }

    @Nested
    class PerRecipientStatus {
        @Test
        void eachRecipientGetsItsOwnStatusAndDiagnostic() throws Exception {
            init();
            ParsedReport report = reportFor(failedMail(BOB, CAROL)
                .attribute(statuses(ImmutableMap.of(BOB, BOB_UNKNOWN, CAROL, CAROL_UNREACHABLE)))
                .attribute(deliveryError("550 5.1.1 <bob@acme.test>: user unknown"))
                .build());

            assertThat(report.recipientBlocks()).hasSize(2);
            assertThat(report.recipientField(BOB, "Action")).contains("failed");
            assertThat(report.recipientField(BOB, "Status")).contains("5.1.1");
            assertThat(report.recipientField(BOB, "Diagnostic-Code")).contains("smtp; 550 5.1.1 <bob@acme.test>: user unknown");
            assertThat(report.recipientField(CAROL, "Action")).contains("failed");
            assertThat(report.recipientField(CAROL, "Status")).contains("4.4.1");
            assertThat(report.recipientField(CAROL, "Diagnostic-Code"))
                .contains("X-Tiered-Delivery; connect to mail1.acme.test[127.0.0.2]:25: Connection refused");
        }

        @Test
        void remoteMtaIsReportedOnlyForTheServerThatAnswered() throws Exception {
            init();
            ParsedReport report = reportFor(failedMail(BOB, CAROL)
                .attribute(statuses(ImmutableMap.of(BOB, BOB_UNKNOWN, CAROL, CAROL_UNREACHABLE)))
                .build());

            assertThat(report.recipientField(BOB, "Remote-MTA")).contains("dns; mail1.acme.test");
            assertThat(report.recipientField(CAROL, "Remote-MTA")).isEmpty();
        }

        @Test
        void lastAttemptDateIsReported() throws Exception {
            init();
            ParsedReport report = reportFor(failedMail(BOB).build());

            assertThat(report.recipientField(BOB, "Last-Attempt-Date")).isPresent();
        }

        @Test
        void stockDeliveryErrorWithAnEnhancedCodeGivesThatStatus() throws Exception {
            init();
            ParsedReport report = reportFor(failedMail(BOB).attribute(deliveryError("550 5.7.1 relay denied")).build());

            assertThat(report.recipientField(BOB, "Status")).contains("5.7.1");
            assertThat(report.recipientField(BOB, "Diagnostic-Code")).contains("smtp; 550 5.7.1 relay denied");
        }

        @Test
        void stockDeliveryErrorWithoutAnEnhancedCodeGivesTheClassOfItsReplyCode() throws Exception {
            init();
            ParsedReport report = reportFor(failedMail(BOB).attribute(deliveryError("554 no")).build());

            assertThat(report.recipientField(BOB, "Status")).contains("5.0.0");
            assertThat(report.recipientField(BOB, "Diagnostic-Code")).contains("smtp; 554 no");
        }

        @Test
        void stockDeliveryErrorWithoutAReplyCodeIsReportedWithTheDefaultStatus() throws Exception {
            init();
            ParsedReport report = reportFor(failedMail(BOB).attribute(deliveryError("Connection refused")).build());

            assertThat(report.recipientField(BOB, "Status")).contains("5.0.0");
            assertThat(report.recipientField(BOB, "Diagnostic-Code")).contains("X-Tiered-Delivery; Connection refused");
        }

        @Test
        void recipientMissingFromTheStatusAttributeFallsBackToDeliveryError() throws Exception {
            init();
            ParsedReport report = reportFor(failedMail(BOB, CAROL)
                .attribute(statuses(Map.of(BOB, BOB_UNKNOWN)))
                .attribute(deliveryError("550 5.7.1 relay denied"))
                .build());

            assertThat(report.recipientField(BOB, "Status")).contains("5.1.1");
            assertThat(report.recipientField(CAROL, "Status")).contains("5.7.1");
        }

        @Test
        void errorMessageIsReportedWithTheConfiguredDefaultStatus() throws Exception {
            init("defaultStatus", "5.3.0");
            ParsedReport report = reportFor(failedMail(BOB).errorMessage("Mail loop: the route for acme.test points at this server").build());

            assertThat(report.recipientField(BOB, "Status")).contains("5.3.0");
            assertThat(report.recipientField(BOB, "Diagnostic-Code"))
                .contains("X-Tiered-Delivery; Mail loop: the route for acme.test points at this server");
        }

        @Test
        void unknownDefaultStatusReportsTheClassOfTheAction() throws Exception {
            init("defaultStatus", "unknown");
            ParsedReport report = reportFor(failedMail(BOB).build());

            assertThat(report.recipientField(BOB, "Status")).contains("5.0.0");
            assertThat(report.recipientField(BOB, "Diagnostic-Code")).isEmpty();
        }

        @Test
        void failureMarkedTemporaryWithoutDetailsIsReportedAsPersistentTransient() throws Exception {
            init();
            ParsedReport report = reportFor(failedMail(BOB)
                .attribute(new Attribute(IS_DELIVERY_PERMANENT_ERROR, AttributeValue.of(false)))
                .errorMessage("Too many retries")
                .build());

            assertThat(report.recipientField(BOB, "Action")).contains("failed");
            assertThat(report.recipientField(BOB, "Status")).contains("4.0.0");
        }

        @Test
        void statusSurvivesJamesAttributeSerialisation() throws Exception {
            init();
            Attribute written = statuses(ImmutableMap.of(BOB, BOB_UNKNOWN, CAROL, CAROL_UNREACHABLE));
            Attribute queued = new Attribute(RecipientStatuses.ATTRIBUTE_NAME,
                AttributeValue.fromJson(written.getValue().toJson().orElseThrow()));

            ParsedReport report = reportFor(failedMail(BOB, CAROL).attribute(queued).build());

            assertThat(report.recipientField(BOB, "Status")).contains("5.1.1");
            assertThat(report.recipientField(BOB, "Remote-MTA")).contains("dns; mail1.acme.test");
            assertThat(report.recipientField(CAROL, "Status")).contains("4.4.1");
        }

        @Test
        void lineBreaksInAServerReplyCannotInjectFieldsOrRecipients() throws Exception {
            init();
            RecipientStatus hostile = RecipientStatus.fromSmtpReply(550, Optional.empty(),
                "550 nope\r\nStatus: 2.0.0\r\nX-Injected: yes\r\n\r\nFinal-Recipient: rfc822; mallory@evil.test",
                Optional.of("evil.test\r\nX-Injected: host"));

            ParsedReport report = reportFor(failedMail(BOB).attribute(statuses(Map.of(BOB, hostile))).build());

            assertThat(report.recipientBlocks()).hasSize(1);
            assertThat(report.recipientBlock(BOB).getHeader("Status")).containsExactly("5.0.0");
            assertThat(report.recipientBlock(BOB).getHeader("X-Injected")).isNull();
            assertThat(report.recipientField(BOB, "Diagnostic-Code"))
                .contains("smtp; 550 nope Status: 2.0.0 X-Injected: yes Final-Recipient: rfc822; mallory@evil.test");
        }

        @Test
        void lineBreaksInDeliveryErrorCannotInjectFields() throws Exception {
            init();
            ParsedReport report = reportFor(failedMail(BOB).attribute(deliveryError("550-5.1.1 first line\r\nX-Injected: yes")).build());

            assertThat(report.recipientBlock(BOB).getHeader("X-Injected")).isNull();
            assertThat(report.recipientField(BOB, "Status")).contains("5.1.1");
        }
    }

    @Nested
    class NotifyParameter {
        @Test
        void recipientWithNotifyNeverIsLeftOut() throws Exception {
            init();
            FakeMail mail = failedMail(BOB, CAROL).build();
            mail.setDsnParameters(DsnParameters.builder()
                .addRcptParameter(new MailAddress(BOB), RecipientDsnParameters.of(EnumSet.of(Notify.NEVER)))
                .build().orElseThrow());

            ParsedReport report = reportFor(mail);

            assertThat(report.recipientBlocks()).hasSize(1);
            assertThat(report.recipientField(CAROL, "Action")).contains("failed");
            assertThat(report.humanReadable()).doesNotContain(BOB);
        }

        @Test
        void noReportWhenNoRecipientAskedForFailureNotices() throws Exception {
            init();
            FakeMail mail = failedMail(BOB, CAROL).build();
            mail.setDsnParameters(DsnParameters.builder()
                .addRcptParameter(new MailAddress(BOB), RecipientDsnParameters.of(EnumSet.of(Notify.NEVER)))
                .addRcptParameter(new MailAddress(CAROL), RecipientDsnParameters.of(EnumSet.of(Notify.SUCCESS, Notify.DELAY)))
                .build().orElseThrow());

            mailet.service(mail);

            assertThat(context.getSentMails()).isEmpty();
        }

        @Test
        void recipientAskingForFailureNoticesIsReported() throws Exception {
            init();
            FakeMail mail = failedMail(BOB).build();
            mail.setDsnParameters(DsnParameters.builder()
                .addRcptParameter(new MailAddress(BOB), RecipientDsnParameters.of(EnumSet.of(Notify.FAILURE)))
                .build().orElseThrow());

            ParsedReport report = reportFor(mail);

            assertThat(report.recipientField(BOB, "Action")).contains("failed");
        }

        @Test
        void delayedActionReportsOnlyRecipientsAskingForDelayNotices() throws Exception {
            init("action", "delayed");
            FakeMail mail = failedMail(BOB, CAROL).attribute(statuses(Map.of(CAROL, CAROL_UNREACHABLE))).build();
            mail.setDsnParameters(DsnParameters.builder()
                .addRcptParameter(new MailAddress(BOB), RecipientDsnParameters.of(EnumSet.of(Notify.FAILURE)))
                .addRcptParameter(new MailAddress(CAROL), RecipientDsnParameters.of(EnumSet.of(Notify.DELAY)))
                .build().orElseThrow());

            ParsedReport report = reportFor(mail);

            assertThat(report.recipientBlocks()).hasSize(1);
            assertThat(report.recipientField(CAROL, "Action")).contains("delayed");
            assertThat(report.recipientField(CAROL, "Status")).contains("4.4.1");
            assertThat(report.message().getSubject()).startsWith("Delayed Mail (still being retried)");
        }
    }

    @Nested
    class Configuration {
        @Test
        void unknownParameterIsRejected() {
            assertThatThrownBy(() -> init("outgoing", "bounces"))
                .isInstanceOf(MessagingException.class)
                .hasMessageContaining("outgoing");
        }

        @Test
        void unknownActionIsRejectedWithTheAcceptedValues() {
            assertThatThrownBy(() -> init("action", "exploded"))
                .hasMessageContaining("exploded")
                .hasMessageContaining("failed, delayed, delivered, expanded or relayed");
        }

        @Test
        void unknownAttachmentIsRejectedWithTheAcceptedValues() {
            assertThatThrownBy(() -> init("attachment", "all"))
                .hasMessageContaining("message, heads or none");
        }

        @Test
        void malformedDefaultStatusIsRejected() {
            assertThatThrownBy(() -> init("defaultStatus", "550"))
                .hasMessageContaining("'550' is not an RFC 3463 status code");
        }

        @Test
        void malformedSenderIsRejected() {
            assertThatThrownBy(() -> init("sender", "not an address@"))
                .hasMessageContaining("sender 'not an address@' is not an address");
        }
    }
}
