package io.github.tiereddelivery.it.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.util.Arrays;

import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;

/**
 * The upstream server {@link Dnsmasq} forwards {@link DnsZone.Builder#servfail} domains to: it answers every UDP
 * query with SERVFAIL, so the resolver under test gets a real SERVFAIL from dnsmasq. dnsmasq cannot produce one
 * on its own: a dead upstream makes it stay silent (a timeout), a missing upstream makes it answer REFUSED.
 */
final class ServfailResponder implements AutoCloseable {
    private final DatagramSocket socket;
    private final Thread thread;

    private ServfailResponder(DatagramSocket socket) {
        this.socket = socket;
        this.thread = new Thread(this::answerUntilClosed, "servfail-responder-" + socket.getLocalPort());
        this.thread.setDaemon(true);
    }

    static ServfailResponder start() {
        try {
            ServfailResponder responder = new ServfailResponder(
                new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)));
            responder.thread.start();
            return responder;
        } catch (SocketException e) {
            throw new UncheckedIOException(e);
        }
    }

    int port() {
        return socket.getLocalPort();
    }

    private void answerUntilClosed() {
        byte[] buffer = new byte[4096];
        while (!socket.isClosed()) {
            try {
                DatagramPacket query = new DatagramPacket(buffer, buffer.length);
                socket.receive(query);
                byte[] answer = servfailFor(new Message(Arrays.copyOf(query.getData(), query.getLength())));
                socket.send(new DatagramPacket(answer, answer.length, query.getSocketAddress()));
            } catch (IOException e) {
                // closed, or a packet that is not a DNS query: nothing to answer
            }
        }
    }

    private static byte[] servfailFor(Message query) {
        Message answer = new Message(query.getHeader().getID());
        answer.getHeader().setFlag(Flags.QR);
        if (query.getHeader().getFlag(Flags.RD)) {
            answer.getHeader().setFlag(Flags.RD);
        }
        answer.getHeader().setFlag(Flags.RA);
        answer.getHeader().setRcode(Rcode.SERVFAIL);
        if (query.getQuestion() != null) {
            answer.addRecord(query.getQuestion(), Section.QUESTION);
        }
        return answer.toWire();
    }

    @Override
    public void close() {
        socket.close();
    }
}
