package io.github.tiereddelivery.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DotStuffingOutputStreamTest {

    /** The data as written in one call, then finished. */
    private static String stuff(String message) throws IOException {
        ByteArrayOutputStream sent = new ByteArrayOutputStream();
        DotStuffingOutputStream data = new DotStuffingOutputStream(sent);
        data.write(message.getBytes(StandardCharsets.ISO_8859_1));
        data.finish();
        return sent.toString(StandardCharsets.ISO_8859_1);
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        // message | data on the wire ('~' stands for CR, '^' for LF)
        "a~^b~^    | a~^b~^.~^",
        "a~^b      | a~^b~^.~^",
        "a^b^      | a~^b~^.~^",
        "a~b~      | a~^b~^.~^",
        "a~~^b     | a~^~^b~^.~^",
        "a^^b      | a~^~^b~^.~^",
        ".a~^      | ..a~^.~^",
        "a~^.~^    | a~^..~^.~^",
        "a~^..b~^  | a~^...b~^.~^",
        "a^.b      | a~^..b~^.~^",
        "a~.b      | a~^..b~^.~^",
        "a.b~^     | a.b~^.~^",
        ".         | ..~^.~^",
        "\"\"      | .~^",
        "~^        | ~^.~^",
    })
    void convertsLineEndsStuffsDotsAndTerminates(String message, String wire) throws IOException {
        assertThat(stuff(decode(message))).isEqualTo(decode(wire));
    }

    @Test
    void givesTheSameDataWhateverTheWriteBoundaries() throws IOException {
        String message = ".start\r\nline\n.dot\r.cr\r\n\r\n..two\rend.\n.";
        String expected = stuff(message);
        byte[] bytes = message.getBytes(StandardCharsets.ISO_8859_1);
        for (int first = 0; first <= bytes.length; first++) {
            for (int second = first; second <= bytes.length; second++) {
                ByteArrayOutputStream sent = new ByteArrayOutputStream();
                DotStuffingOutputStream data = new DotStuffingOutputStream(sent);
                data.write(bytes, 0, first);
                data.write(bytes, first, second - first);
                data.write(bytes, second, bytes.length - second);
                data.finish();

                assertThat(sent.toString(StandardCharsets.ISO_8859_1))
                    .as("split at %d and %d", first, second)
                    .isEqualTo(expected);
            }
        }
    }

    @Test
    void givesTheSameDataWrittenByteByByte() throws IOException {
        String message = ".a\r\n.\nb\r\r\n.";
        ByteArrayOutputStream sent = new ByteArrayOutputStream();
        DotStuffingOutputStream data = new DotStuffingOutputStream(sent);
        for (byte b : message.getBytes(StandardCharsets.ISO_8859_1)) {
            data.write(b);
        }
        data.finish();

        assertThat(sent.toString(StandardCharsets.ISO_8859_1)).isEqualTo(stuff(message));
    }

    @Test
    void passesEightBitBytesThrough() throws IOException {
        ByteArrayOutputStream sent = new ByteArrayOutputStream();
        DotStuffingOutputStream data = new DotStuffingOutputStream(sent);
        data.write(new byte[] {(byte) 0xc3, (byte) 0xa9, 0, (byte) 0xff});
        data.finish();

        assertThat(sent.toByteArray()).containsExactly(0xc3, 0xa9, 0, 0xff, '\r', '\n', '.', '\r', '\n');
    }

    @Test
    void writesOnlyTheGivenSliceOfTheBuffer() throws IOException {
        ByteArrayOutputStream sent = new ByteArrayOutputStream();
        DotStuffingOutputStream data = new DotStuffingOutputStream(sent);
        data.write("xx.a\nyy".getBytes(StandardCharsets.ISO_8859_1), 2, 3);
        data.finish();

        assertThat(sent.toString(StandardCharsets.ISO_8859_1)).isEqualTo("..a\r\n.\r\n");
    }

    @Test
    void closeNeitherEndsTheDataNorClosesTheConnection() throws IOException {
        ClosingAwareStream connection = new ClosingAwareStream();
        DotStuffingOutputStream data = new DotStuffingOutputStream(connection);
        data.write('a');
        data.close();

        assertThat(connection.closed).isFalse();
        assertThat(connection.toString(StandardCharsets.ISO_8859_1)).isEqualTo("a");
    }

    @Test
    void writingAfterFinishFails() throws IOException {
        DotStuffingOutputStream data = new DotStuffingOutputStream(new ByteArrayOutputStream());
        data.finish();

        assertThatThrownBy(() -> data.write('a')).isInstanceOf(IOException.class);
    }

    private static String decode(String escaped) {
        return escaped.replace('~', '\r').replace('^', '\n');
    }

    private static final class ClosingAwareStream extends ByteArrayOutputStream {
        private boolean closed;

        @Override
        public void close() {
            closed = true;
        }
    }
}
