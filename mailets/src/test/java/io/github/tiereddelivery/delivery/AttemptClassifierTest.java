package io.github.tiereddelivery.delivery;

import static io.github.tiereddelivery.delivery.Servers.server;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.ConnectException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.james.core.MailAddress;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.github.tiereddelivery.dsn.RecipientStatus;
import io.github.tiereddelivery.smtp.SmtpReply;
import io.github.tiereddelivery.smtp.SmtpSessionException;
import io.github.tiereddelivery.smtp.Stage;
import io.github.tiereddelivery.smtp.TransactionResult;

/** SPEC "Delivery behaviour", row by row. */
class AttemptClassifierTest {
    private static final Server SERVER = server("mx1.acme.test", "127.0.0.2", 10);
    private static final SmtpReply OK = SmtpReply.of(250, "2.0.0 OK");
    private static final SmtpReply GO_AHEAD = SmtpReply.of(354, "go ahead");

    private MailAddress alice;
    private MailAddress bob;
    private List<MailAddress> both;

    @BeforeEach
    void setUp() throws Exception {
        alice = new MailAddress("alice@acme.test");
        bob = new MailAddress("bob@acme.test");
        both = List.of(alice, bob);
    }

    private static Map<String, SmtpReply> replies(Object... addressesAndReplies) {
        Map<String, SmtpReply> replies = new LinkedHashMap<>();
        for (int i = 0; i < addressesAndReplies.length; i += 2) {
            replies.put(addressesAndReplies[i].toString(), (SmtpReply) addressesAndReplies[i + 1]);
        }
        return replies;
    }

    private Map<MailAddress, RecipientResult> transaction(SmtpReply mail, Map<String, SmtpReply> rcpt, Optional<SmtpReply> data,
                                                          Optional<SmtpReply> message) {
        return AttemptClassifier.classify(new TransactionResult(mail, rcpt, data, message), both, SERVER);
    }

    private Map<MailAddress, RecipientResult> accepted(Optional<SmtpReply> data, Optional<SmtpReply> message) {
        return transaction(OK, replies(alice, OK, bob, OK), data, message);
    }

    @Test
    void aMessageAcceptedAfterTheDataIsDeliveredForEveryAcceptedRecipient() {
        Map<MailAddress, RecipientResult> results = accepted(Optional.of(GO_AHEAD), Optional.of(OK));

        assertThat(results.values()).extracting(RecipientResult::verdict).containsOnly(Verdict.DELIVERED);
        assertThat(results.get(alice).status().remoteMta()).contains("mx1.acme.test");
    }

    @Test
    void aRefusedConnectionMeansNextServerWithStatus441() {
        SmtpSessionException refused = new SmtpSessionException(Stage.CONNECT, "connect to mx1.acme.test[127.0.0.2]:25: Connection refused",
            new ConnectException("Connection refused"));

        Map<MailAddress, RecipientResult> results = AttemptClassifier.classify(refused, both, SERVER);

        assertThat(results.get(alice)).isEqualTo(new RecipientResult(Verdict.SERVER_FAILED,
            RecipientStatus.of("4.4.1", "connect to mx1.acme.test[127.0.0.2]:25: Connection refused")));
    }

    @Test
    void noGreetingMeansNextServerWithStatus442() {
        SmtpSessionException silent = new SmtpSessionException(Stage.GREETING, "mx1.acme.test[127.0.0.2]:25: no greeting within 2000 ms");

        assertThat(AttemptClassifier.classify(silent, both, SERVER).get(bob).verdict()).isEqualTo(Verdict.SERVER_FAILED);
        assertThat(AttemptClassifier.classify(silent, both, SERVER).get(bob).status().status()).isEqualTo("4.4.2");
    }

    @Test
    void a421GreetingMeansNextServerWithTheServersReply() {
        SmtpSessionException busy = new SmtpSessionException(Stage.GREETING, "greeting 421", SmtpReply.of(421, "4.3.2 busy"));

        RecipientResult result = AttemptClassifier.classify(busy, both, SERVER).get(alice);

        assertThat(result.verdict()).isEqualTo(Verdict.SERVER_FAILED);
        assertThat(result.status()).isEqualTo(new RecipientStatus("4.3.2", "smtp", "421 4.3.2 busy", Optional.of("mx1.acme.test")));
    }

    @Test
    void a5xxGreetingIsSkippedLikeA4xxOne() {
        SmtpSessionException noService = new SmtpSessionException(Stage.GREETING, "greeting 554", SmtpReply.of(554, "5.3.2 no service"));

        RecipientResult result = AttemptClassifier.classify(noService, both, SERVER).get(alice);

        assertThat(result.verdict()).isEqualTo(Verdict.SERVER_FAILED);
        assertThat(result.status().status()).isEqualTo("4.3.2");
    }

    @Test
    void aRequiredTlsThatFailsMeansNextServer() {
        SmtpSessionException noTls = new SmtpSessionException(Stage.STARTTLS, "mx1.acme.test: TLS is required but not offered");

        RecipientResult result = AttemptClassifier.classify(noTls, both, SERVER).get(alice);

        assertThat(result.verdict()).isEqualTo(Verdict.SERVER_FAILED);
        assertThat(result.status().status()).isEqualTo("4.7.5");
    }

    @Test
    void a4xxAtMailFromMeansNextServer() {
        Map<MailAddress, RecipientResult> results = transaction(SmtpReply.of(451, "4.3.0 try later"), Map.of(),
            Optional.empty(), Optional.empty());

        assertThat(results.values()).extracting(RecipientResult::verdict).containsOnly(Verdict.SERVER_FAILED);
    }

    @Test
    void a5xxAtMailFromBouncesEveryRecipient() {
        Map<MailAddress, RecipientResult> results = transaction(SmtpReply.of(553, "5.1.8 sender rejected"), Map.of(),
            Optional.empty(), Optional.empty());

        assertThat(results.values()).extracting(RecipientResult::verdict).containsOnly(Verdict.REJECTED);
        assertThat(results.get(alice).status().status()).isEqualTo("5.1.8");
    }

    @Test
    void a421AtRcptIsTheServerClosingTheSessionNotAVerdictOnTheRecipient() {
        Map<MailAddress, RecipientResult> results = transaction(OK, replies(alice, OK, bob, SmtpReply.of(421, "4.3.2 shutting down")),
            Optional.empty(), Optional.empty());

        assertThat(results.get(bob).verdict()).isEqualTo(Verdict.SERVER_FAILED);
        assertThat(results.get(bob).status().status()).isEqualTo("4.3.2");
    }

    @Test
    void a4xxAtRcptDefersThatRecipientOnlyAndTheOthersAreDelivered() {
        Map<MailAddress, RecipientResult> results = transaction(OK, replies(alice, OK, bob, SmtpReply.of(451, "4.7.1 greylisted")),
            Optional.of(GO_AHEAD), Optional.of(OK));

        assertThat(results.get(alice).verdict()).isEqualTo(Verdict.DELIVERED);
        assertThat(results.get(bob).verdict()).isEqualTo(Verdict.RECIPIENT_DEFERRED);
        assertThat(results.get(bob).status().status()).isEqualTo("4.7.1");
    }

    @Test
    void a5xxAtRcptRejectsThatRecipientOnlyWithItsEnhancedStatus() {
        Map<MailAddress, RecipientResult> results = transaction(OK,
            replies(alice, OK, bob, SmtpReply.of(550, "5.1.1 <bob@acme.test>: user unknown")), Optional.of(GO_AHEAD), Optional.of(OK));

        assertThat(results.get(alice).verdict()).isEqualTo(Verdict.DELIVERED);
        assertThat(results.get(bob)).isEqualTo(new RecipientResult(Verdict.REJECTED, new RecipientStatus("5.1.1", "smtp",
            "550 5.1.1 <bob@acme.test>: user unknown", Optional.of("mx1.acme.test"))));
    }

    @Test
    void whenNoRecipientIsAcceptedNothingIsDelivered() {
        Map<MailAddress, RecipientResult> results = transaction(OK,
            replies(alice, SmtpReply.of(550, "5.1.1 unknown"), bob, SmtpReply.of(450, "4.2.0 busy")), Optional.empty(), Optional.empty());

        assertThat(results.get(alice).verdict()).isEqualTo(Verdict.REJECTED);
        assertThat(results.get(bob).verdict()).isEqualTo(Verdict.RECIPIENT_DEFERRED);
    }

    @Test
    void a4xxToTheDataCommandMeansNextServerForTheWholeMessage() {
        Map<MailAddress, RecipientResult> results = accepted(Optional.of(SmtpReply.of(451, "4.3.0 later")), Optional.empty());

        assertThat(results.values()).extracting(RecipientResult::verdict).containsOnly(Verdict.SERVER_FAILED);
    }

    @Test
    void aSuccessToTheDataCommandIsAProtocolErrorAndNextServerWithATemporaryStatus() {
        Map<MailAddress, RecipientResult> results = accepted(Optional.of(SmtpReply.of(250, "2.0.0 whatever")), Optional.empty());

        assertThat(results.values()).allSatisfy(result -> {
            assertThat(result.verdict()).isEqualTo(Verdict.SERVER_FAILED);
            assertThat(result.status().status()).isEqualTo("4.5.0");
            assertThat(result.status().diagnostic()).startsWith("250 2.0.0 whatever").contains("must be 354");
        });
    }

    @Test
    void a5xxToTheDataCommandBounces() {
        Map<MailAddress, RecipientResult> results = accepted(Optional.of(SmtpReply.of(554, "5.5.1 no valid recipients")), Optional.empty());

        assertThat(results.values()).extracting(RecipientResult::verdict).containsOnly(Verdict.REJECTED);
    }

    @Test
    void a4xxAfterTheDataMeansNextServerForTheWholeMessage() {
        Map<MailAddress, RecipientResult> results = accepted(Optional.of(GO_AHEAD), Optional.of(SmtpReply.of(452, "4.3.1 disk full")));

        assertThat(results.values()).extracting(RecipientResult::verdict).containsOnly(Verdict.SERVER_FAILED);
        assertThat(results.get(alice).status().status()).isEqualTo("4.3.1");
    }

    @Test
    void a5xxAfterTheDataBounces() {
        Map<MailAddress, RecipientResult> results = accepted(Optional.of(GO_AHEAD), Optional.of(SmtpReply.of(554, "5.7.1 spam")));

        assertThat(results.values()).extracting(RecipientResult::verdict).containsOnly(Verdict.REJECTED);
        assertThat(results.get(bob).status().status()).isEqualTo("5.7.1");
    }

    @Test
    void aLostConnectionDuringTheTransactionMeansNextServer() {
        SmtpSessionException lost = new SmtpSessionException(Stage.END_OF_DATA, "connection lost", new java.io.EOFException());

        assertThat(AttemptClassifier.classify(lost, both, SERVER).values()).extracting(RecipientResult::verdict)
            .containsOnly(Verdict.SERVER_FAILED);
    }
}
