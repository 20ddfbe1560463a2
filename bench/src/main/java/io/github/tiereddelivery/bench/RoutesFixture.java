package io.github.tiereddelivery.bench;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;

import org.apache.james.core.MailAddress;

import io.github.tiereddelivery.routes.InvalidRoutesException;
import io.github.tiereddelivery.routes.RouteTable;
import io.github.tiereddelivery.routes.RoutesFileParser;

/**
 * A routes file of {@code size} routes, parsed as James parses it: 70 % domain routes (two balanced servers and a
 * backup, IP literals), 20 % {@code *.suffix} routes (a host name), 10 % recipient routes; and recipients that hit
 * each kind, or no route at all.
 */
public final class RoutesFixture {
    /** Recipients per kind the benchmarks cycle through; a power of two. */
    public static final int RECIPIENTS = 4096;
    public static final int MASK = RECIPIENTS - 1;

    private final int domains;
    private final int suffixes;
    private final int recipients;
    private final RouteTable table;

    private RoutesFixture(int size) throws InvalidRoutesException {
        this.domains = size * 7 / 10;
        this.suffixes = size * 2 / 10;
        this.recipients = size - domains - suffixes;
        this.table = new RoutesFileParser().parse(new ByteArrayInputStream(routesFile().getBytes(StandardCharsets.UTF_8)),
            "delivery-routes.xml");
        if (table.routes().size() != size) {
            throw new IllegalStateException("expected " + size + " routes, parsed " + table.routes().size());
        }
    }

    public static RoutesFixture of(int size) {
        try {
            return new RoutesFixture(size);
        } catch (InvalidRoutesException e) {
            throw new IllegalStateException(e);
        }
    }

    public RouteTable table() {
        return table;
    }

    /** The routes file, as an operator would write it. */
    String routesFile() {
        StringBuilder xml = new StringBuilder("<delivery-routes>\n");
        for (int i = 0; i < domains; i++) {
            xml.append("<route domain=\"customer").append(i).append(".test\">")
                .append("<host>[").append(ip(10, i)).append("]</host>")
                .append("<host>[").append(ip(11, i)).append("]:2525</host>")
                .append("<host preference=\"20\">[").append(ip(12, i)).append("]</host>")
                .append("</route>\n");
        }
        for (int i = 0; i < suffixes; i++) {
            xml.append("<route domain=\"*.region").append(i).append(".test\"><host>").append(relay(i))
                .append("</host></route>\n");
        }
        for (int i = 0; i < recipients; i++) {
            xml.append("<route recipient=\"user").append(i).append("@bigcorp.test\"><host>[").append(ip(13, i))
                .append("]</host></route>\n");
        }
        return xml.append("</delivery-routes>\n").toString();
    }

    /** The host name of the relay of suffix route {@code i}; {@link #relayAddress} is its address. */
    public static String relay(int i) {
        return "relay" + i + ".regions.test";
    }

    public static String relayAddress(int i) {
        return ip(14, i);
    }

    public int suffixCount() {
        return suffixes;
    }

    /** Recipients at a domain route. */
    public MailAddress[] domainRecipients(long seed) {
        Random random = new Random(seed);
        return addresses(index -> "user@customer" + random.nextInt(domains) + ".test");
    }

    /** Recipients three labels below a {@code *.suffix} route: the look-up tries the parents in turn. */
    public MailAddress[] suffixRecipients(long seed) {
        Random random = new Random(seed);
        return addresses(index -> "user@mail.dept.region" + random.nextInt(suffixes) + ".test");
    }

    /** Recipients with a route of their own. */
    public MailAddress[] routedRecipients(long seed) {
        Random random = new Random(seed);
        return addresses(index -> "user" + random.nextInt(recipients) + "@bigcorp.test");
    }

    /** Recipients no route matches (delivered to the MX of their domain): every look-up misses. */
    public MailAddress[] unroutedRecipients(long seed) {
        Random random = new Random(seed);
        return addresses(index -> "user@sub.elsewhere" + random.nextInt(1_000_000) + ".example");
    }

    private static MailAddress[] addresses(java.util.function.IntFunction<String> address) {
        MailAddress[] addresses = new MailAddress[RECIPIENTS];
        for (int i = 0; i < RECIPIENTS; i++) {
            try {
                addresses[i] = new MailAddress(address.apply(i));
            } catch (javax.mail.internet.AddressException e) {
                throw new IllegalStateException(e);
            }
        }
        return addresses;
    }

    private static String ip(int first, int i) {
        return first + "." + (i >> 16 & 0xff) + "." + (i >> 8 & 0xff) + "." + (i & 0xff);
    }
}
