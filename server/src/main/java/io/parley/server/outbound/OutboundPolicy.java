package io.parley.server.outbound;

import io.parley.server.net.Cidr;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.LongAdder;

/**
 * The one gate every connection the server opens to the outside goes through: Web Push now, and link previews, OIDC
 * discovery, SMTP and Events API requests as they come. A member can make the server connect somewhere (a push
 * subscription's endpoint is theirs to choose), so without a gate that is a server-side request forgery: a probe of
 * the server's own network, or a read of the cloud's metadata service and its credentials.
 *
 * <p><b>What it checks.</b> {@link #admit} takes a purpose and a URL and either refuses ({@link
 * OutboundRefusedException}) or answers the {@link Destination} to connect to:
 * <ol>
 *   <li>the scheme is {@code https}; {@code http} only for a purpose given plain HTTP (the test knob
 *       {@code push.allow_insecure_endpoints});</li>
 *   <li>if the purpose has a host allow-list ({@code outbound.push_hosts}), the host is on it;</li>
 *   <li>the host is turned into addresses once: an IP literal as it is — including the forms only C's
 *       {@code inet_aton} reads ({@code 2130706433}, {@code 0x7f.1}, {@code 0177.0.0.1}), which are never handed to
 *       DNS — otherwise through the {@link HostResolver};</li>
 *   <li>every address must be {@link AddressClass#PUBLIC}, or inside {@code outbound.allowed_cidrs}; metadata,
 *       unspecified, multicast and broadcast addresses are refused even there. One refused address refuses the
 *       host: a name that answers both a public and a private address is not a push service.</li>
 * </ol>
 * Refusals are counted in {@code parley_outbound_refused_total{reason,purpose}} and logged with the host (never the
 * path, which can be a capability). A host that does not resolve is an {@link UnknownHostException}, not a refusal:
 * DNS may be down for a while.
 *
 * <p><b>Pinning.</b> {@link #send} connects only to the addresses {@link #admit} checked, so the name cannot point
 * elsewhere between the check and the connect (DNS rebinding). The JDK's {@code HttpClient} cannot do that: it has no
 * per-request resolver and always looks the host up itself; a JVM-wide {@code InetAddressResolverProvider} would
 * change every lookup of the process (JDBC, NATS); connecting to an IP literal with a forged {@code Host} header is
 * refused by the JDK client and loses SNI and the certificate's host check. Apache HttpClient 5 ({@code DnsResolver})
 * or OkHttp ({@code Dns}) could pin, at the price of a new dependency. Netty is already here, so {@link
 * PinnedHttpClient} is a small HTTP/1.1 client on it: {@code Bootstrap.connect} to the checked address, TLS with the
 * URL's host for SNI and for the certificate's host check ({@code HTTPS} endpoint identification), connect, read and
 * whole-request timeouts, a bounded body, no redirects followed, one connection per request.
 *
 * <p><b>Not through this gate:</b> pod-to-pod links ({@code federation/PodClient}). Their URLs come from admins,
 * by peering invitation, not from members; pods often live on private networks, so address classes would only break
 * them; and they have their own connect timeout, deadlines, bounded downloads and TLS key pins.
 */
public final class OutboundPolicy implements MeterBinder, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(OutboundPolicy.class);

    private final OutboundSettings settings;
    private final Set<Purpose> plainHttp;
    private final HostResolver resolver;
    private final PinnedHttpClient http;
    /** Refusals by purpose label, then reason; every pair exists from the start, so the metric shows zeros. */
    private final Map<String, Map<String, LongAdder>> refused = new LinkedHashMap<>();

    /**
     * @param plainHttp the purposes that may use {@code http://} (tests only)
     * @param resolver {@link HostResolver#SYSTEM}, or a test's
     */
    public static OutboundPolicy open(OutboundSettings settings, Set<Purpose> plainHttp, HostResolver resolver) {
        return new OutboundPolicy(settings, plainHttp, resolver, null);
    }

    /** @param trust the certificates to trust, or null for the JDK's (tests pass their own CA) */
    OutboundPolicy(OutboundSettings settings, Set<Purpose> plainHttp, HostResolver resolver, TrustManagerFactory trust) {
        this.settings = settings;
        this.plainHttp = plainHttp.isEmpty() ? Set.of() : EnumSet.copyOf(plainHttp);
        this.resolver = resolver;
        this.http = new PinnedHttpClient(settings, trust);
        List<String> reasons = new ArrayList<>(List.of("scheme", "host_not_allowed"));
        for (AddressClass c : AddressClass.values()) if (c != AddressClass.PUBLIC) reasons.add(c.label());
        for (Purpose p : Purpose.values()) {
            Map<String, LongAdder> byReason = new LinkedHashMap<>();
            for (String r : reasons) byReason.put(r, new LongAdder());
            refused.put(p.label(), Map.copyOf(byReason));
        }
    }

    /**
     * Checks a URL as {@link #send} would, without connecting: for URLs that are stored to be used later (a push
     * subscription), so a bad one is refused when it is given. {@link #send} checks again, with a fresh lookup.
     *
     * @throws IllegalArgumentException if the URL has no host
     */
    public void check(Purpose purpose, URI url) throws OutboundRefusedException, UnknownHostException {
        admit(purpose, url);
    }

    /**
     * {@return where a connection for this purpose and URL may go}: the host resolved once and every address checked
     * (see the class comment). For clients other than {@link #send}'s (SMTP): they must connect to these addresses only.
     *
     * @throws IllegalArgumentException if the URL has no host
     * @throws UnknownHostException if the host has no address
     */
    public Destination admit(Purpose purpose, URI url) throws OutboundRefusedException, UnknownHostException {
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        boolean secure = scheme.equals("https");
        String host = hostOf(url);
        if (!secure && !(scheme.equals("http") && plainHttp.contains(purpose))) {
            throw refuse(purpose, host, OutboundRefusedException.Kind.SCHEME, null);
        }
        List<HostPattern> allowed = settings.hostsFor(purpose);
        if (!allowed.isEmpty() && allowed.stream().noneMatch(p -> p.matches(host))) {
            throw refuse(purpose, host, OutboundRefusedException.Kind.HOST_NOT_ALLOWED, null);
        }
        Optional<InetAddress> literal = literal(host);
        List<InetAddress> addresses = literal.isPresent() ? List.of(literal.get()) : resolver.resolve(host);
        if (addresses.isEmpty()) throw new UnknownHostException(host);
        for (InetAddress a : addresses) {
            AddressClass c = AddressClass.of(a);
            if (!permitted(a, c)) throw refuse(purpose, host, OutboundRefusedException.Kind.ADDRESS, c);
        }
        return new Destination(purpose, host, port(url, secure), secure, addresses);
    }

    /**
     * Sends a request: {@link #admit}, then the request over a connection to a checked address (the next one if a
     * connect fails), and {@return the answer, read whole} A redirect is returned, not followed.
     *
     * @throws OutboundRefusedException the destination is refused; nothing was sent, and retrying cannot help
     * @throws ResponseTooLargeException the body went past {@code outbound.max_response_bytes}
     * @throws IOException no address, no connection, a TLS failure, a timeout, a broken answer: may be retried
     */
    public OutboundResponse send(OutboundRequest request) throws OutboundRefusedException, IOException, InterruptedException {
        Destination d = admit(request.purpose(), request.url());
        return http.exchange(d, request);
    }

    private boolean permitted(InetAddress address, AddressClass c) {
        if (c == AddressClass.PUBLIC) return true;
        if (c.neverAllowed()) return false;
        return settings.allowedCidrs().stream().anyMatch(cidr -> cidr.contains(address));
    }

    private OutboundRefusedException refuse(Purpose purpose, String host, OutboundRefusedException.Kind kind, AddressClass c) {
        OutboundRefusedException e = new OutboundRefusedException(purpose, kind, c, switch (kind) {
            case SCHEME -> "only https URLs are allowed";
            case HOST_NOT_ALLOWED -> "host " + host + " is not on the allow-list";
            case ADDRESS -> "host " + host + " is or resolves to a " + c.label() + " address";
        });
        refused.get(purpose.label()).get(e.reason()).increment();
        log.info("outbound {} to host {} refused: {}", purpose.label(), host, e.reason());
        return e;
    }

    /** {@return how many requests of a purpose were refused for a reason (what the metric shows)} */
    long refusals(Purpose purpose, String reason) {
        return refused.get(purpose.label()).get(reason).sum();
    }

    /** Registers {@code parley_outbound_refused_total{reason,purpose}}, one series per pair. */
    @Override
    public void bindTo(MeterRegistry registry) {
        refused.forEach((purpose, byReason) -> byReason.forEach((reason, count) ->
                FunctionCounter.builder("parley_outbound_refused", count, LongAdder::sum)
                        .description("outbound connections refused by the outbound policy")
                        .tag("purpose", purpose).tag("reason", reason).register(registry)));
    }

    @Override
    public void close() {
        http.close();
    }

    /**
     * {@return the host of a URL, lower case, without brackets or a trailing dot}. {@link URI} does not take
     * {@code 127.1} or {@code 0x7f.1} for a host (it leaves them as a registry authority): those are read from the
     * authority, as the numeric forms they are.
     *
     * @throws IllegalArgumentException if there is none
     */
    static String hostOf(URI url) {
        String h = url.getHost();
        if (h == null) {
            String authority = url.getRawAuthority();
            if (authority == null || authority.contains("@")) throw new IllegalArgumentException("the URL has no host");
            h = authority.replaceFirst(":\\d*$", "");
            if (!isPosixIpv4(h)) throw new IllegalArgumentException("the URL has no host");
        }
        if (h.startsWith("[") && h.endsWith("]")) h = h.substring(1, h.length() - 1);
        return normalizeHost(h);
    }

    private static int port(URI url, boolean secure) {
        if (url.getPort() >= 0) return url.getPort();
        String authority = url.getRawAuthority();
        if (url.getHost() == null && authority != null && authority.matches(".*:\\d+$")) {
            return Integer.parseInt(authority.substring(authority.lastIndexOf(':') + 1));
        }
        return secure ? 443 : 80;
    }

    /** {@return a host compared and connected to: lower case, one trailing dot dropped} */
    static String normalizeHost(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        return h.endsWith(".") ? h.substring(0, h.length() - 1) : h;
    }

    /**
     * {@return the address of an IP literal host, or empty for a name}. IPv4 is read as {@code inet_aton} does, so the
     * forms DNS libraries would quietly take as numbers are checked as the numbers they are; an IPv6 zone is dropped.
     */
    static Optional<InetAddress> literal(String host) {
        if (host.indexOf(':') >= 0) {
            int zone = host.indexOf('%');
            try {
                return Optional.of(InetAddress.ofLiteral(zone < 0 ? host : host.substring(0, zone)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("the URL's host is not an IPv6 address");
            }
        }
        if (!isPosixIpv4(host)) return Optional.empty();
        return Optional.of(Inet4Address.ofPosixLiteral(host));
    }

    private static boolean isPosixIpv4(String host) {
        try {
            Inet4Address.ofPosixLiteral(host);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
