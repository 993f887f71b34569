package io.parley.server.web;

import java.util.regex.Pattern;

/**
 * The Content-Security-Policy of the web client's pages (and, in {@link #API}, of everything else). Scripts, styles and workers only from this
 * origin (no inline code, no eval); connections to this origin and its WebSocket; images also from
 * {@code blob:} (attachments fetched with the bearer token) and {@code data:}; nothing may frame the
 * page. Trusted Types are required (the one policy, {@code parley}, allows only the service worker's URL), so a string can never reach an HTML sink such as
 * {@code innerHTML} in browsers that enforce them.
 *
 * <p>CSP level 3 lets {@code 'self'} cover {@code ws:}/{@code wss:} of the same host; older browsers
 * need the WebSocket origin spelled out, so it is added from the request's Host header when that
 * header is a plain host[:port] (anything else is left out rather than echoed).
 */
public final class ContentSecurityPolicy {
    /**
     * The policy of every response that is not the web client's (JSON, errors, files, metrics): nothing may run, load
     * or frame it, should a browser be led to open one.
     */
    public static final String API = "default-src 'none'; frame-ancestors 'none'";

    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9.\\-]+(:[0-9]{1,5})?|\\[[0-9A-Fa-f:.]+](:[0-9]{1,5})?");

    private ContentSecurityPolicy() {}

    /** {@return the policy for a page requested with this Host header (may be null)} */
    public static String forHost(String host) {
        String sockets = host != null && HOST.matcher(host).matches() ? " ws://" + host + " wss://" + host : "";
        return "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' blob: data:; "
                + "media-src 'self' blob:; font-src 'self'; connect-src 'self'" + sockets + "; "
                + "worker-src 'self'; manifest-src 'self'; form-action 'self'; base-uri 'none'; "
                + "frame-ancestors 'none'; object-src 'none'; require-trusted-types-for 'script'; trusted-types parley";
    }
}
