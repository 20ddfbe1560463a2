package io.github.tiereddelivery.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;

import org.junit.jupiter.api.Test;

/** How a server appears in log lines and bounces: as Postfix writes it, IPv6 in its short form as the routes show it. */
class SmtpChannelDescribeTest {

    @Test
    void aServerNamedByAHostNameShowsItsAddressInBrackets() throws Exception {
        InetSocketAddress address = new InetSocketAddress(InetAddress.getByName("192.0.2.1"), 25);

        assertThat(SmtpChannel.describe(address, "mail1.acme.test")).isEqualTo("mail1.acme.test[192.0.2.1]:25");
    }

    @Test
    void anIpv6AddressIsWrittenShortWhereverItAppears() throws Exception {
        InetSocketAddress address = new InetSocketAddress(InetAddress.getByName("::1"), 25);

        assertThat(SmtpChannel.describe(address, "[IPv6:::1]")).isEqualTo("[::1]:25");
        assertThat(SmtpChannel.describe(address, "mail6.acme.test")).isEqualTo("mail6.acme.test[::1]:25");
    }
}
