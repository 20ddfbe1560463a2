package io.github.tiereddelivery.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;

import org.junit.jupiter.api.Test;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Type;

class DnsResolverTest {

    private static Name name(String text) throws Exception {
        return Name.fromString(text);
    }

    private static MXRecord mx(String owner, int preference, String exchange, long ttl) throws Exception {
        return new MXRecord(name(owner), DClass.IN, ttl, preference, name(exchange));
    }

    private static ARecord a(String owner, String address) throws Exception {
        return new ARecord(name(owner), DClass.IN, 60, InetAddress.getByName(address));
    }

    @Test
    void mxRecordsKeepTheirPreferences() throws Exception {
        ScriptedResolver server = new ScriptedResolver()
            .answer("acme.test.", Type.MX, Rcode.NOERROR, mx("acme.test.", 20, "backup.acme.test.", 60), mx("acme.test.", 10, "MX1.acme.test.", 60));

        MxAnswer answer = new DnsResolver(server).mx("acme.test");

        assertThat(answer).isInstanceOf(MxAnswer.Exchanges.class);
        assertThat(((MxAnswer.Exchanges) answer).records())
            .containsExactlyInAnyOrder(new MxRecord(10, "mx1.acme.test"), new MxRecord(20, "backup.acme.test"));
    }

    @Test
    void aSingleMxToTheRootIsANullMx() throws Exception {
        ScriptedResolver server = new ScriptedResolver()
            .answer("nomail.test.", Type.MX, Rcode.NOERROR, mx("nomail.test.", 0, ".", 60));

        assertThat(new DnsResolver(server).mx("nomail.test")).isInstanceOf(MxAnswer.NullMx.class);
    }

    @Test
    void aNullMxBesideRealExchangesIsIgnored() throws Exception {
        ScriptedResolver server = new ScriptedResolver()
            .answer("mixed.test.", Type.MX, Rcode.NOERROR, mx("mixed.test.", 0, ".", 60), mx("mixed.test.", 10, "mx.mixed.test.", 60));

        assertThat(((MxAnswer.Exchanges) new DnsResolver(server).mx("mixed.test")).records())
            .containsExactly(new MxRecord(10, "mx.mixed.test"));
    }

    @Test
    void nxdomainIsNoSuchDomain() throws Exception {
        ScriptedResolver server = new ScriptedResolver().answer("missing.test.", Type.MX, Rcode.NXDOMAIN);

        assertThat(new DnsResolver(server).mx("missing.test")).isInstanceOf(MxAnswer.NoSuchDomain.class);
    }

    @Test
    void anExistingNameWithoutMxRecordsMeansImplicitMx() throws Exception {
        ScriptedResolver server = new ScriptedResolver().answer("plain.test.", Type.MX, Rcode.NOERROR);

        assertThat(new DnsResolver(server).mx("plain.test")).isInstanceOf(MxAnswer.NoMxRecords.class);
    }

    @Test
    void servfailIsATemporaryFailureNamingTheQuestion() throws Exception {
        ScriptedResolver server = new ScriptedResolver().answer("broken.test.", Type.MX, Rcode.SERVFAIL);

        assertThatThrownBy(() -> new DnsResolver(server).mx("broken.test"))
            .isInstanceOf(TemporaryDnsFailure.class)
            .hasMessageContaining("MX of broken.test");
    }

    @Test
    void addressesAreTheUnionOfAAndAaaaRecords() throws Exception {
        ScriptedResolver server = new ScriptedResolver()
            .answer("mail.acme.test.", Type.A, Rcode.NOERROR, a("mail.acme.test.", "127.0.0.2"), a("mail.acme.test.", "127.0.0.3"))
            .answer("mail.acme.test.", Type.AAAA, Rcode.NOERROR,
                new AAAARecord(name("mail.acme.test."), DClass.IN, 60, InetAddress.getByName("::1")));

        AddressAnswer answer = new DnsResolver(server).addresses("mail.acme.test");

        assertThat(((AddressAnswer.Addresses) answer).addresses())
            .containsExactlyInAnyOrder(InetAddress.getByName("127.0.0.2"), InetAddress.getByName("127.0.0.3"), InetAddress.getByName("::1"));
    }

    @Test
    void aNameWithoutAddressRecordsHasNoAddress() throws Exception {
        ScriptedResolver server = new ScriptedResolver()
            .answer("empty.test.", Type.A, Rcode.NOERROR)
            .answer("empty.test.", Type.AAAA, Rcode.NOERROR);

        assertThat(new DnsResolver(server).addresses("empty.test")).isInstanceOf(AddressAnswer.NoAddress.class);
    }

    @Test
    void anUnknownHostIsNoSuchHost() throws Exception {
        ScriptedResolver server = new ScriptedResolver().answer("ghost.test.", Type.A, Rcode.NXDOMAIN);

        assertThat(new DnsResolver(server).addresses("ghost.test")).isInstanceOf(AddressAnswer.NoSuchHost.class);
    }

    @Test
    void aTemporaryAaaaFailureDoesNotHideTheARecords() throws Exception {
        ScriptedResolver server = new ScriptedResolver()
            .answer("half.test.", Type.A, Rcode.NOERROR, a("half.test.", "127.0.0.4"))
            .answer("half.test.", Type.AAAA, Rcode.SERVFAIL);

        assertThat(((AddressAnswer.Addresses) new DnsResolver(server).addresses("half.test")).addresses())
            .containsExactly(InetAddress.getByName("127.0.0.4"));
    }

    @Test
    void aTemporaryFailureWithoutAnyAddressIsTemporary() throws Exception {
        ScriptedResolver server = new ScriptedResolver()
            .answer("down.test.", Type.A, Rcode.SERVFAIL)
            .answer("down.test.", Type.AAAA, Rcode.NOERROR);

        assertThatThrownBy(() -> new DnsResolver(server).addresses("down.test"))
            .isInstanceOf(TemporaryDnsFailure.class)
            .hasMessageContaining("A of down.test");
    }

    @Test
    void answersAreCachedForTheirTtl() throws Exception {
        ScriptedResolver server = new ScriptedResolver()
            .answer("cached.test.", Type.MX, Rcode.NOERROR, mx("cached.test.", 10, "mx.cached.test.", 3600));
        DnsResolver resolver = new DnsResolver(server);

        resolver.mx("cached.test");
        resolver.mx("cached.test");

        assertThat(server.questions).hasValue(1);
    }

    @Test
    void answersWithAZeroTtlAreAskedAgain() throws Exception {
        ScriptedResolver server = new ScriptedResolver()
            .answer("fresh.test.", Type.MX, Rcode.NOERROR, mx("fresh.test.", 10, "mx.fresh.test.", 0));
        DnsResolver resolver = new DnsResolver(server);

        resolver.mx("fresh.test");
        resolver.mx("fresh.test");

        assertThat(server.questions).hasValue(2);
    }

    @Test
    void aHostWithoutIpv6IsAskedOnceForItsAddressesWhileTheTtlsLast() throws Exception {
        SOARecord soa = new SOARecord(name("v4.test."), DClass.IN, 300, name("ns.v4.test."), name("admin.v4.test."),
            1, 3600, 600, 86400, 300);
        ScriptedResolver server = new ScriptedResolver()
            .answer("v4.test.", Type.A, Rcode.NOERROR, a("v4.test.", "127.0.0.4"))
            .noData("v4.test.", Type.AAAA, soa);
        DnsResolver resolver = new DnsResolver(server);

        for (int message = 0; message < 10; message++) {
            resolver.addresses("v4.test");
        }

        assertThat(server.questions).as("one A and one AAAA question").hasValue(2);
    }

    @Test
    void anAnswerIsAskedForAgainOnceItsTtlHasPassed() throws Exception {
        ScriptedResolver server = new ScriptedResolver()
            .answer("short.test.", Type.MX, Rcode.NOERROR, mx("short.test.", 10, "mx.short.test.", 1));
        DnsResolver resolver = new DnsResolver(server);
        resolver.mx("short.test");
        assertThat(server.questions).hasValue(1);

        // dnsjava counts TTLs in whole seconds: two seconds are past any one-second TTL.
        Thread.sleep(2100);
        resolver.mx("short.test");

        assertThat(server.questions).hasValue(2);
    }

    @Test
    void aTemporaryFailureIsAskedAgainAtOnce() throws Exception {
        ScriptedResolver server = new ScriptedResolver().answer("flaky.test.", Type.MX, Rcode.SERVFAIL);
        DnsResolver resolver = new DnsResolver(server);

        for (int i = 0; i < 2; i++) {
            assertThatThrownBy(() -> resolver.mx("flaky.test")).isInstanceOf(TemporaryDnsFailure.class);
        }

        assertThat(server.questions).hasValue(2);
    }

    @Test
    void aNegativeAnswerWithoutSoaIsNotKept() throws Exception {
        ScriptedResolver server = new ScriptedResolver().answer("ghost.test.", Type.A, Rcode.NXDOMAIN);
        DnsResolver resolver = new DnsResolver(server);

        resolver.addresses("ghost.test");
        resolver.addresses("ghost.test");

        assertThat(server.questions).hasValue(2);
    }
}
