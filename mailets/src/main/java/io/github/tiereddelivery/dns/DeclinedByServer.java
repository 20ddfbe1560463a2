package io.github.tiereddelivery.dns;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.SimpleResolver;

/**
 * A DNS server that answered SERVFAIL, NOTIMP or REFUSED: the next server of the list is asked, as the system's
 * resolver does with those of resolv.conf (glibc's res_send). When every server declines, the last answer stands.
 */
final class DeclinedByServer extends IOException {
    private static final long serialVersionUID = 1L;

    private final transient Message response;

    private DeclinedByServer(Message response) {
        super(Rcode.string(response.getRcode()));
        this.response = response;
    }

    Message response() {
        return response;
    }

    /** One server of the list: its SERVFAIL, NOTIMP or REFUSED fails the query, so that dnsjava asks the next one. */
    static final class Server extends SimpleResolver {
        Server(InetSocketAddress address) {
            super(address);
        }

        @Override
        public CompletionStage<Message> sendAsync(Message query) {
            return super.sendAsync(query).thenCompose(Server::declinedAsFailure);
        }

        @Override
        public CompletionStage<Message> sendAsync(Message query, Executor executor) {
            return super.sendAsync(query, executor).thenCompose(Server::declinedAsFailure);
        }

        private static CompletionStage<Message> declinedAsFailure(Message response) {
            int rcode = response.getRcode();
            if (rcode == Rcode.SERVFAIL || rcode == Rcode.NOTIMP || rcode == Rcode.REFUSED) {
                return CompletableFuture.failedFuture(new DeclinedByServer(response));
            }
            return CompletableFuture.completedFuture(response);
        }
    }
}
