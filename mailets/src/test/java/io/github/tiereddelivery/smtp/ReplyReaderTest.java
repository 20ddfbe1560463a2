package io.github.tiereddelivery.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.ProtocolException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ReplyReaderTest {

    private static final int MAX_LINE = 512;
    private static final int MAX_LINES = 5;

    private final List<Integer> timeoutsSet = new ArrayList<>();

    private ReplyReader reader(String input) {
        return new ReplyReader(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)), timeoutsSet::add,
            MAX_LINE, MAX_LINES);
    }

    private static long inOneSecond() {
        return System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
    }

    @Test
    void readsASingleLineReply() throws IOException {
        SmtpReply reply = reader("250 2.0.0 OK\r\n").read(inOneSecond());

        assertThat(reply).isEqualTo(SmtpReply.of(250, "2.0.0 OK"));
    }

    @Test
    void readsAMultiLineReplyUpToTheLineWithASpace() throws IOException {
        ReplyReader reader = reader("250-mx.test\r\n250-PIPELINING\r\n250 SIZE 100\r\n354 go\r\n");

        assertThat(reader.read(inOneSecond())).isEqualTo(SmtpReply.of(250, "mx.test", "PIPELINING", "SIZE 100"));
        assertThat(reader.read(inOneSecond())).isEqualTo(SmtpReply.of(354, "go"));
    }

    @Test
    void readsConsecutivePipelinedRepliesFromOneBuffer() throws IOException {
        ReplyReader reader = reader("250 2.1.0 OK\r\n550 5.1.1 unknown\r\n250 2.1.5 OK\r\n");

        assertThat(reader.read(inOneSecond()).code()).isEqualTo(250);
        assertThat(reader.read(inOneSecond()).code()).isEqualTo(550);
        assertThat(reader.read(inOneSecond()).code()).isEqualTo(250);
    }

    @Test
    void acceptsACodeWithoutText() throws IOException {
        assertThat(reader("250\r\n").read(inOneSecond())).isEqualTo(SmtpReply.of(250, ""));
    }

    @Test
    void acceptsBareLfLineEnds() throws IOException {
        assertThat(reader("220 hello\n").read(inOneSecond())).isEqualTo(SmtpReply.of(220, "hello"));
    }

    @Test
    void lineOfExactlyTheMaximumLengthIsAccepted() throws IOException {
        String line = "250 " + "x".repeat(MAX_LINE - 4);

        assertThat(reader(line + "\r\n").read(inOneSecond()).lines()).containsExactly("x".repeat(MAX_LINE - 4));
    }

    @Test
    void lineLongerThanTheMaximumIsReadWholeAndKeptInPart() throws IOException {
        ReplyReader reader = reader("250 " + "x".repeat(MAX_LINE * 2) + "\r\n354 go\r\n");

        assertThat(reader.read(inOneSecond())).isEqualTo(SmtpReply.of(250, "x".repeat(MAX_LINE - 4)));
        assertThat(reader.read(inOneSecond())).as("the next reply starts where the long line ended").isEqualTo(SmtpReply.of(354, "go"));
    }

    @Test
    void endlessLineIsRejectedWithoutReadingItAll() {
        assertThatThrownBy(() -> reader("250 " + "x".repeat(100_000)).read(inOneSecond()))
            .isInstanceOf(ProtocolException.class)
            .hasMessageContaining("reply longer than " + MAX_LINE * MAX_LINES + " bytes");
    }

    @Test
    void replyWithMoreLinesThanTheMaximumIsReadWholeAndItsFirstLinesKept() throws IOException {
        ReplyReader reader = reader("250-x\r\n".repeat(MAX_LINES * 2) + "250 last\r\n354 go\r\n");

        assertThat(reader.read(inOneSecond()).lines()).hasSize(MAX_LINES).containsOnly("x");
        assertThat(reader.read(inOneSecond())).isEqualTo(SmtpReply.of(354, "go"));
    }

    @Test
    void replyLargerThanMaximumLinesOfMaximumLengthIsAProtocolError() {
        String reply = ("250-" + "x".repeat(MAX_LINE - 6) + "\r\n").repeat(MAX_LINES + 1) + "250 x\r\n";

        assertThatThrownBy(() -> reader(reply).read(inOneSecond()))
            .isInstanceOf(ProtocolException.class)
            .hasMessageContaining("reply longer than");
    }

    @Test
    void replyWithTheMaximumNumberOfLinesIsAccepted() throws IOException {
        String reply = "250-x\r\n".repeat(MAX_LINES - 1) + "250 x\r\n";

        assertThat(reader(reply).read(inOneSecond()).lines()).hasSize(MAX_LINES);
    }

    @Test
    void lineWithoutAReplyCodeIsAProtocolError() {
        assertThatThrownBy(() -> reader("HTTP/1.1 400 Bad Request\r\n").read(inOneSecond()))
            .isInstanceOf(ProtocolException.class)
            .hasMessageContaining("\"HTTP/1.1 400 Bad Request\"");
    }

    @Test
    void codeOutsideTwoToFiveHundredsIsAProtocolError() {
        assertThatThrownBy(() -> reader("150 hmm\r\n").read(inOneSecond())).isInstanceOf(ProtocolException.class);
        assertThatThrownBy(() -> reader("650 hmm\r\n").read(inOneSecond())).isInstanceOf(ProtocolException.class);
    }

    @Test
    void codeFollowedByAnythingButSpaceOrDashIsAProtocolError() {
        assertThatThrownBy(() -> reader("2500 x\r\n").read(inOneSecond())).isInstanceOf(ProtocolException.class);
    }

    @Test
    void controlCharactersAreEscapedInTheProtocolErrorMessage() {
        assertThatThrownBy(() -> reader("\u0007\u001b[31m\r\n").read(inOneSecond()))
            .hasMessageContaining("\\x07\\x1b[31m");
    }

    @Test
    void multiLineReplyMixingCodesIsAProtocolError() {
        assertThatThrownBy(() -> reader("250-first\r\n550 second\r\n").read(inOneSecond()))
            .isInstanceOf(ProtocolException.class)
            .hasMessageContaining("mixes the codes 250 and 550");
    }

    @Test
    void endOfStreamBeforeTheReplyIsCompleteIsEof() {
        assertThatThrownBy(() -> reader("250-first\r\n250-sec").read(inOneSecond()))
            .isInstanceOf(EOFException.class);
        assertThatThrownBy(() -> reader("25").read(inOneSecond())).isInstanceOf(EOFException.class);
    }

    @Test
    void aFinalLineEndedByTheServerClosingTheConnectionCounts() throws IOException {
        ReplyReader reader = reader("250 2.0.0 queued as 42");

        assertThat(reader.read(inOneSecond())).isEqualTo(SmtpReply.of(250, "2.0.0 queued as 42"));
        assertThatThrownBy(() -> reader.read(inOneSecond())).isInstanceOf(EOFException.class);
    }

    @Test
    void passedDeadlineIsATimeoutWithoutReading() {
        assertThatThrownBy(() -> reader("250 OK\r\n").read(System.nanoTime() - 1))
            .isInstanceOf(SocketTimeoutException.class);
    }

    @Test
    void socketTimeoutIsSetToTheTimeLeftBeforeTheDeadline() throws IOException {
        reader("250 OK\r\n").read(inOneSecond());

        assertThat(timeoutsSet).singleElement().satisfies(millis -> assertThat(millis).isBetween(1, 1000));
    }
}
