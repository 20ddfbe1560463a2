package io.github.tiereddelivery.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class SmtpClientSettingsTest {

    @Test
    void passwordNeverAppearsInToString() {
        SmtpClientSettings settings = SmtpClientSettings.builder()
            .heloName("relay.test")
            .credentials(new Credentials("relay-user", "s3cret-pass"))
            .build();

        assertThat(settings.credentials().orElseThrow().toString())
            .doesNotContain("s3cret-pass")
            .contains("relay-user");
        assertThat(settings.toString()).doesNotContain("s3cret-pass");
    }

    @Test
    void heloNameIsRequired() {
        assertThatThrownBy(() -> SmtpClientSettings.builder().build())
            .isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("heloName");
    }

    @Test
    void heloNameWithSpacesIsRefused() {
        assertThatThrownBy(() -> SmtpClientSettings.builder().heloName("relay test"))
            .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void defaultsMatchStockRemoteDelivery() {
        SmtpClientSettings settings = SmtpClientSettings.builder().heloName("relay.test").build();

        assertThat(settings.connectTimeout()).isEqualTo(Duration.ofSeconds(60));
        assertThat(settings.readTimeout()).isEqualTo(Duration.ofSeconds(180));
        assertThat(settings.startTls()).isEqualTo(StartTlsPolicy.NEVER);
        assertThat(settings.verifyCertificates()).isTrue();
        assertThat(settings.maxReplyLineLength()).isEqualTo(4096);
        assertThat(settings.maxReplyLines()).isEqualTo(100);
    }

    @Test
    void toBuilderKeepsEverySetting() {
        SmtpClientSettings settings = SmtpClientSettings.builder()
            .heloName("relay.test")
            .readTimeout(Duration.ofMillis(300))
            .startTls(StartTlsPolicy.REQUIRED)
            .credentials(new Credentials("u", "p"))
            .debug(true)
            .build();

        assertThat(settings.toBuilder().build()).usingRecursiveComparison().isEqualTo(settings);
    }

    @Test
    void zeroTimeoutIsRefused() {
        assertThatThrownBy(() -> SmtpClientSettings.builder().readTimeout(Duration.ZERO))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("readTimeout");
    }

    @Test
    void replyLineLimitBelowTheRfcMinimumIsRefused() {
        assertThatThrownBy(() -> SmtpClientSettings.builder().maxReplyLineLength(100))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("512");
    }
}
