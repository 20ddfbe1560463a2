package io.github.tiereddelivery.dns;

import java.net.InetAddress;
import java.util.List;

/** What the DNS said about the A and AAAA records of a host name, apart from temporary failures. */
public sealed interface AddressAnswer {

    /** Every A and AAAA address of the name; never empty. */
    record Addresses(List<InetAddress> addresses) implements AddressAnswer {
        public Addresses {
            addresses = List.copyOf(addresses);
        }
    }

    /** NXDOMAIN. */
    record NoSuchHost() implements AddressAnswer {
    }

    /** The name exists but has neither A nor AAAA records. */
    record NoAddress() implements AddressAnswer {
    }
}
