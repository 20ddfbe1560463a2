package io.github.tiereddelivery.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import java.net.InetSocketAddress;

import org.apache.james.smtpserver.netty.SMTPServerFactory;
import org.junit.jupiter.api.Test;

class OwnListenersTest {

    /**
     * James starts its SMTP servers after the mailets; mail a persistent queue kept across a restart is delivered
     * before. That must not fail the delivery (it did: every such mail went back to the queue at once, and James'
     * ActiveMQ queue drops a mail given back 7 times into its dead letter queue).
     */
    @Test
    void beforeJamesStartedItsSmtpServersNoAddressIsOwn() {
        SMTPServerFactory notStarted = mock(SMTPServerFactory.class);
        when(notStarted.getServers()).thenReturn(null);

        assertThat(OwnListeners.of(notStarted).isOwn(new InetSocketAddress("127.0.0.1", 25))).isFalse();
    }
}
