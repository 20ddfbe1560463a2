package io.github.tiereddelivery.smtp;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;

import org.junit.jupiter.api.Test;

class ChunkingOutputStreamTest {

    private static String chunked(String message, int chunkSize) throws IOException {
        ByteArrayOutputStream sent = new ByteArrayOutputStream();
        ChunkingOutputStream chunks = new ChunkingOutputStream(sent, chunkSize);
        chunks.write(message.getBytes(US_ASCII));
        chunks.finish();
        return sent.toString(US_ASCII);
    }

    @Test
    void aSmallMessageIsOneLastChunk() throws IOException {
        assertThat(chunked("Subject: x\r\n\r\nhi\r\n", 100)).isEqualTo("BDAT 18 LAST\r\nSubject: x\r\n\r\nhi\r\n");
    }

    @Test
    void everyLineEndIsSentAsCrlf() throws IOException {
        assertThat(chunked("a\nb\rc\r\nd", 100)).isEqualTo("BDAT 12 LAST\r\na\r\nb\r\nc\r\nd\r\n");
    }

    @Test
    void dotsAreNotStuffed() throws IOException {
        assertThat(chunked(".\r\n..x\r\n", 100)).isEqualTo("BDAT 8 LAST\r\n.\r\n..x\r\n");
    }

    @Test
    void aFullBufferIsSentAsAChunkAndTheRestAsTheLastOne() throws IOException {
        assertThat(chunked("abcdefgh\r\n", 4)).isEqualTo("BDAT 4\r\nabcdBDAT 4\r\nefghBDAT 2 LAST\r\n\r\n");
    }

    @Test
    void aMessageThatFillsTheLastChunkExactlySendsItAsLast() throws IOException {
        assertThat(chunked("abc\r\nabc\r\n", 5)).isEqualTo("BDAT 5\r\nabc\r\nBDAT 5 LAST\r\nabc\r\n");
    }

    @Test
    void countsTheChunks() throws IOException {
        ChunkingOutputStream chunks = new ChunkingOutputStream(new ByteArrayOutputStream(), 4);
        chunks.write("abcdefgh\r\n".getBytes(US_ASCII));
        chunks.finish();

        assertThat(chunks.chunks()).isEqualTo(3);
    }
}
