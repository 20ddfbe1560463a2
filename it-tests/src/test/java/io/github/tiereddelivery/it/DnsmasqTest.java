package io.github.tiereddelivery.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

import io.github.tiereddelivery.it.support.DnsZone;
import io.github.tiereddelivery.it.support.Dnsmasq;

class DnsmasqTest {
    private Dnsmasq dnsmasq;

    @AfterEach
    void stopDnsmasq() {
        if (dnsmasq != null) {
            dnsmasq.close();
        }
    }

    @Test
    void mxRecordsCarryTheirPreferences() throws Exception {
        dnsmasq = Dnsmasq.start(DnsZone.builder()
            .mx("acme.test", 10, "mx1.acme.test")
            .mx("acme.test", 20, "mx2.acme.test")
            .build());

        assertThat(records(ask("acme.test", Type.MX), MXRecord.class))
            .extracting(mx -> mx.getPriority() + " " + mx.getTarget())
            .containsExactlyInAnyOrder("10 mx1.acme.test.", "20 mx2.acme.test.");
    }

    @Test
    void severalAddressesOfOneNameAreSeveralARecords() throws Exception {
        dnsmasq = Dnsmasq.start(DnsZone.builder().a("mail.acme.test", "127.0.0.2", "127.0.0.3", "127.0.0.4").build());

        assertThat(records(ask("mail.acme.test", Type.A), ARecord.class))
            .extracting(a -> a.getAddress().getHostAddress())
            .containsExactlyInAnyOrder("127.0.0.2", "127.0.0.3", "127.0.0.4");
    }

    @Test
    void aaaaRecordsAreServed() throws Exception {
        dnsmasq = Dnsmasq.start(DnsZone.builder().aaaa("mail.acme.test", "2001:db8::25").build());

        assertThat(records(ask("mail.acme.test", Type.AAAA), AAAARecord.class))
            .extracting(a -> a.getAddress().getHostAddress())
            .containsExactly("2001:db8:0:0:0:0:0:25");
    }

    @Test
    void nullMxIsOneMxRecordOfPreferenceZeroPointingToTheRoot() throws Exception {
        dnsmasq = Dnsmasq.start(DnsZone.builder().nullMx("nomail.test").build());

        assertThat(records(ask("nomail.test", Type.MX), MXRecord.class))
            .extracting(mx -> mx.getPriority() + " " + mx.getTarget())
            .containsExactly("0 .");
    }

    @Test
    void cnameIsAnsweredWithTheTargetsAddresses() throws Exception {
        dnsmasq = Dnsmasq.start(DnsZone.builder()
            .cname("smtp.acme.test", "mail.acme.test")
            .a("mail.acme.test", "127.0.0.2")
            .build());

        Message answer = ask("smtp.acme.test", Type.A);

        assertThat(records(answer, CNAMERecord.class)).extracting(c -> c.getTarget().toString())
            .containsExactly("mail.acme.test.");
        assertThat(records(answer, ARecord.class)).extracting(a -> a.getAddress().getHostAddress())
            .containsExactly("127.0.0.2");
    }

    @Test
    void undefinedNameIsNxdomain() throws Exception {
        dnsmasq = Dnsmasq.start(DnsZone.builder().a("mail.acme.test", "127.0.0.2").build());

        assertThat(ask("unknown.acme.test", Type.A).getRcode()).isEqualTo(Rcode.NXDOMAIN);
    }

    @Test
    void namesOutsideTestAreNotForwardedEither() throws Exception {
        dnsmasq = Dnsmasq.start(DnsZone.empty());

        assertThat(ask("example.com", Type.MX).getRcode()).isEqualTo(Rcode.NXDOMAIN);
    }

    @Test
    void etcHostsIsNotServed() throws Exception {
        dnsmasq = Dnsmasq.start(DnsZone.empty());

        assertThat(ask("localhost", Type.A).getRcode()).isEqualTo(Rcode.NXDOMAIN);
    }

    @Test
    void knownNameAskedForATypeItLacksIsNodata() throws Exception {
        dnsmasq = Dnsmasq.start(DnsZone.builder().a("mail.acme.test", "127.0.0.2").build());

        Message answer = ask("mail.acme.test", Type.MX);

        assertThat(answer.getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(answer.getSection(Section.ANSWER)).isEmpty();
    }

    @Test
    void recordsCarryTheConfiguredTtl() throws Exception {
        dnsmasq = Dnsmasq.start(DnsZone.builder()
            .ttl(Duration.ofSeconds(300))
            .mx("acme.test", 10, "mx1.acme.test")
            .a("mx1.acme.test", "127.0.0.2")
            .nullMx("nomail.test")
            .build());

        assertThat(ask("acme.test", Type.MX).getSection(Section.ANSWER)).extracting(Record::getTTL).containsOnly(300L);
        assertThat(ask("mx1.acme.test", Type.A).getSection(Section.ANSWER)).extracting(Record::getTTL).containsOnly(300L);
        assertThat(ask("nomail.test", Type.MX).getSection(Section.ANSWER)).extracting(Record::getTTL).containsOnly(300L);
    }

    @Test
    void ttlIsZeroUnlessConfigured() throws Exception {
        dnsmasq = Dnsmasq.start(DnsZone.builder().a("mail.acme.test", "127.0.0.2").build());

        assertThat(ask("mail.acme.test", Type.A).getSection(Section.ANSWER)).extracting(Record::getTTL).containsOnly(0L);
    }

    @Test
    void answersOverTcpToo() throws Exception {
        dnsmasq = Dnsmasq.start(DnsZone.builder().mx("acme.test", 10, "mx1.acme.test").build());
        SimpleResolver resolver = resolver();
        resolver.setTCP(true);

        assertThat(records(resolver.send(query("acme.test", Type.MX)), MXRecord.class)).hasSize(1);
    }

    @Test
    void reloadReplacesTheRecordsOnTheSamePort() throws Exception {
        dnsmasq = Dnsmasq.start(DnsZone.builder().a("mail.acme.test", "127.0.0.2").build());
        String resolverAddress = dnsmasq.resolverAddress();

        dnsmasq.reload(DnsZone.builder().a("mail.acme.test", "127.0.0.9").build());

        assertThat(dnsmasq.resolverAddress()).isEqualTo(resolverAddress);
        assertThat(records(ask("mail.acme.test", Type.A), ARecord.class))
            .extracting(a -> a.getAddress().getHostAddress())
            .containsExactly("127.0.0.9");
    }

    @Test
    void servfailDomainIsAnsweredServfailWithinASecond() throws Exception {
        dnsmasq = Dnsmasq.start(DnsZone.builder().servfail("broken.test").a("mail.acme.test", "127.0.0.2").build());

        long start = System.nanoTime();
        Message answer = ask("mx.broken.test", Type.A);
        Duration elapsed = Duration.ofNanos(System.nanoTime() - start);

        assertThat(answer.getRcode()).isEqualTo(Rcode.SERVFAIL);
        assertThat(elapsed).isLessThan(Duration.ofSeconds(1));
        assertThat(ask("mail.acme.test", Type.A).getRcode()).isEqualTo(Rcode.NOERROR);
    }

    @Test
    void resolverAddressIsTheLoopbackAndThePort() {
        dnsmasq = Dnsmasq.start(DnsZone.empty());

        assertThat(dnsmasq.resolverAddress()).isEqualTo("127.0.0.1:" + dnsmasq.port());
    }

    @Test
    void stopReleasesThePort() {
        dnsmasq = Dnsmasq.start(DnsZone.empty());

        dnsmasq.stop();

        assertThatCode(() -> new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), dnsmasq.port()))
            .close()).doesNotThrowAnyException();
    }

    @Test
    void dnsmasqRefusingTheZoneFailsTheStartWithItsReason() {
        DnsZone loop = DnsZone.builder().cname("a.acme.test", "a.acme.test").build();

        assertThatThrownBy(() -> Dnsmasq.start(loop))
            .isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("dnsmasq exited with code 1")
            .hasMessageContaining("CNAME loop involving a.acme.test");
    }

    @Test
    void zoneRefusesAnAddressOfTheWrongFamily() {
        assertThatThrownBy(() -> DnsZone.builder().a("mail.acme.test", "2001:db8::25"))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("not an IPv4 literal");
    }

    @Test
    void anAuthoritativeZoneGivesNoSuchRecordWithItsSoaAndTtl() throws Exception {
        dnsmasq = Dnsmasq.start(DnsZone.builder().ttl(Duration.ofSeconds(7)).authoritative().a("mail.acme.test", "127.0.0.2").build());

        Message answer = ask("mail.acme.test", Type.AAAA);

        assertThat(answer.getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(answer.getSection(Section.ANSWER)).isEmpty();
        assertThat(records(answer, Section.AUTHORITY, SOARecord.class)).singleElement()
            .satisfies(soa -> assertThat(Math.min(soa.getTTL(), soa.getMinimum())).isEqualTo(7));
    }

    @Test
    void anAuthoritativeZoneGivesNoSuchNameWithItsSoa() throws Exception {
        dnsmasq = Dnsmasq.start(DnsZone.builder().ttl(Duration.ofSeconds(7)).authoritative().a("mail.acme.test", "127.0.0.2").build());

        Message answer = ask("ghost.acme.test", Type.A);

        assertThat(answer.getRcode()).isEqualTo(Rcode.NXDOMAIN);
        assertThat(records(answer, Section.AUTHORITY, SOARecord.class)).hasSize(1);
    }

    @Test
    void anAuthoritativeZoneStillAnswersItsRecordsWithTheirTtl() throws Exception {
        dnsmasq = Dnsmasq.start(DnsZone.builder().ttl(Duration.ofSeconds(7)).authoritative().a("mail.acme.test", "127.0.0.2").build());

        assertThat(records(ask("mail.acme.test", Type.A), ARecord.class)).singleElement()
            .satisfies(a -> assertThat(a.getTTL()).isEqualTo(7));
    }

    private Message ask(String name, int type) throws IOException {
        return resolver().send(query(name, type));
    }

    private SimpleResolver resolver() {
        SimpleResolver resolver = new SimpleResolver(new InetSocketAddress(InetAddress.getLoopbackAddress(), dnsmasq.port()));
        resolver.setTimeout(Duration.ofSeconds(3));
        return resolver;
    }

    private static Message query(String name, int type) throws IOException {
        return Message.newQuery(Record.newRecord(Name.fromString(name + "."), type, DClass.IN));
    }

    private static <T extends Record> List<T> records(Message answer, Class<T> type) {
        return records(answer, Section.ANSWER, type);
    }

    private static <T extends Record> List<T> records(Message answer, int section, Class<T> type) {
        return answer.getSection(section).stream()
            .filter(type::isInstance)
            .map(type::cast)
            .collect(Collectors.toList());
    }
}
