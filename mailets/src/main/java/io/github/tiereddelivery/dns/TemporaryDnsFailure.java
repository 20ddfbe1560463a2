package io.github.tiereddelivery.dns;

/** SERVFAIL, timeout, refused or an unusable answer: the question may get an answer later. */
public class TemporaryDnsFailure extends Exception {
    private final String name;
    private final String type;

    public TemporaryDnsFailure(String name, String type, String reason) {
        super("temporary DNS failure looking up " + type + " of " + name + ": " + reason);
        this.name = name;
        this.type = type;
    }

    public String name() {
        return name;
    }

    public String type() {
        return type;
    }
}
