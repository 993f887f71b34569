package io.parley.server.outbound;

/**
 * {@link OutboundPolicy} will not connect there: the scheme, the host (not on the purpose's allow-list) or an address
 * the host is or resolves to. Retrying cannot help; the caller drops what it was sending.
 */
public final class OutboundRefusedException extends Exception {
    /** What was refused. */
    public enum Kind {
        /** Not {@code https} (nor {@code http} where the purpose allows it). */
        SCHEME,
        /** The purpose has a host allow-list and the host is not on it. */
        HOST_NOT_ALLOWED,
        /** An address of the host is of a class the policy refuses ({@link #addressClass()}). */
        ADDRESS
    }

    private final Purpose purpose;
    private final Kind kind;
    private final AddressClass addressClass;

    OutboundRefusedException(Purpose purpose, Kind kind, AddressClass addressClass, String message) {
        super(message, null, false, false);
        this.purpose = purpose;
        this.kind = kind;
        this.addressClass = addressClass;
    }

    public Purpose purpose() { return purpose; }

    public Kind kind() { return kind; }

    /** {@return the refused address's class, for {@link Kind#ADDRESS}; else null} */
    public AddressClass addressClass() { return addressClass; }

    /** {@return the reason as metrics and logs name it: {@code scheme}, {@code host_not_allowed}, or the address class} */
    public String reason() {
        return switch (kind) {
            case SCHEME -> "scheme";
            case HOST_NOT_ALLOWED -> "host_not_allowed";
            case ADDRESS -> addressClass.label();
        };
    }
}
