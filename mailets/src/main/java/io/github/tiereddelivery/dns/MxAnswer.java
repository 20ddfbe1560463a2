package io.github.tiereddelivery.dns;

import java.util.List;

/** What the DNS said about the MX records of a name, apart from temporary failures. */
public sealed interface MxAnswer {

    /** The name has MX records; never empty, never the null MX. */
    record Exchanges(List<MxRecord> records) implements MxAnswer {
        public Exchanges {
            records = List.copyOf(records);
        }
    }

    /** RFC 7505: a single "MX 0 ." record, the domain accepts no mail. */
    record NullMx() implements MxAnswer {
    }

    /** The name exists but has no MX record: RFC 5321 section 5.1 implicit MX (its own A/AAAA) applies. */
    record NoMxRecords() implements MxAnswer {
    }

    /** NXDOMAIN. */
    record NoSuchDomain() implements MxAnswer {
    }
}
