package io.parley.server.outbound;

/**
 * Why the server opens a connection: the label of {@code parley_outbound_refused_total{purpose}} and the key of the
 * per-purpose rules (a host allow-list, plain HTTP for tests). Each new kind of outbound traffic (link previews, OIDC
 * discovery, the Events API) adds its constant here and its rules in {@link OutboundSettings}.
 */
public enum Purpose {
    /** A push message to a browser's push service (RFC 8030). */
    WEB_PUSH("web_push");

    private final String label;

    Purpose(String label) {
        this.label = label;
    }

    /** {@return the name used in metrics and logs} */
    public String label() { return label; }
}
