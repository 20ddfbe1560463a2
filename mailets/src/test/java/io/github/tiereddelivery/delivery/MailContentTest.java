package io.github.tiereddelivery.delivery;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.Properties;

import javax.mail.Session;
import javax.mail.internet.MimeMessage;

import org.apache.james.server.core.MailImpl;
import org.apache.james.server.core.MimeMessageInputStreamSource;
import org.apache.james.server.core.MimeMessageWrapper;
import org.apache.mailet.base.test.FakeMail;
import org.junit.jupiter.api.Test;

class MailContentTest {

    // Header lines end in LF alone: JavaMail's writeTo would end them in CRLF, the stored bytes do not.
    private static final String STORED = "Subject: stored\nX-Folded: one\n two\n\nbody line\r\n.dot line\r\n";

    @Test
    void aMessageJamesStoredUnchangedIsSentAsItsStoredBytes() throws Exception {
        MimeMessageWrapper stored = stored();
        try {
            assertThat(sent(stored)).isEqualTo(STORED);
        } finally {
            stored.dispose();
        }
    }

    @Test
    void aMessageChangedAfterJamesStoredItIsSentWithTheChange() throws Exception {
        MimeMessageWrapper stored = stored();
        try {
            stored.setHeader("X-Added", "after");

            assertThat(sent(stored)).contains("X-Added: after", "Subject: stored", "body line");
        } finally {
            stored.dispose();
        }
    }

    @Test
    void aBccFieldIsNotSentAsJavaMailDoesNotSendIt() throws Exception {
        MimeMessageWrapper stored = stored("Subject: s\r\nBcc: hidden@acme.test\r\nbcc: other@acme.test\r\nTo: a@acme.test\r\n\r\nbody\r\n");
        try {
            assertThat(sent(stored)).doesNotContainIgnoringCase("bcc").doesNotContain("hidden@acme.test").contains("To: a@acme.test", "body");
        } finally {
            stored.dispose();
        }
    }

    @Test
    void aFoldedBccFieldIsLeftOutWithItsContinuationLinesAndOnlyIt() throws Exception {
        MimeMessageWrapper stored = stored("Subject: s\r\nBCC : one@acme.test,\r\n two@acme.test\r\nBcc-Policy: kept\r\n"
            + "X-Note: bcc: in a value\r\n\r\nBcc: in the body\r\n");
        try {
            assertThat(sent(stored)).isEqualTo("Subject: s\r\nBcc-Policy: kept\r\nX-Note: bcc: in a value\r\n\r\n"
                + "Bcc: in the body\r\n");
        } finally {
            stored.dispose();
        }
    }

    @Test
    void aContentLengthFieldIsNotSent() throws Exception {
        MimeMessageWrapper stored = stored("Subject: s\r\nContent-Length: 12345\r\n\r\nbody\r\n");
        try {
            assertThat(sent(stored)).doesNotContain("Content-Length").contains("Subject: s", "body");
        } finally {
            stored.dispose();
        }
    }

    @Test
    void aMessageThatJamesDidNotStoreIsWrittenByJavaMail() throws Exception {
        MimeMessage message = new MimeMessage(Session.getInstance(new Properties()));
        message.setSubject("built");
        message.setText("text");
        message.saveChanges();

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new MailContent(FakeMail.builder().name("mail").mimeMessage(message).build()).writeTo(out);

        assertThat(out.toString(US_ASCII)).contains("Subject: built\r\n", "text");
    }

    private static MimeMessageWrapper stored() throws Exception {
        return stored(STORED);
    }

    private static MimeMessageWrapper stored(String content) throws Exception {
        return new MimeMessageWrapper(MimeMessageInputStreamSource.create("MailContentTest",
            new ByteArrayInputStream(content.getBytes(US_ASCII))));
    }

    private static String sent(MimeMessageWrapper message) throws Exception {
        MailImpl mail = MailImpl.builder().name("mail").addRecipient("user@acme.test").build();
        mail.setMessageNoCopy(message);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new MailContent(mail).writeTo(out);
        return out.toString(US_ASCII);
    }
}
