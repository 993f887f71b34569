package io.parley.server.outbound;

import io.parley.server.net.Cidr;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIMatcher;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.StandardConstants;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The outbound gate against real sockets on loopback: what it refuses never gets a connection ({@link
 * ConnectionRecorder} counts them), what it lets through is reached at the address it checked and no other, over TLS
 * with SNI and the certificate's host checked, within its timeouts and size limit, without following redirects.
 */
@Timeout(60)
class OutboundPolicyTest {
    private static final Duration SHORT = Duration.ofMillis(300);

    private final FakeDns dns = new FakeDns();
    private final List<AutoCloseable> open = new ArrayList<>();
    private ConnectionRecorder recorder;
    private HttpServer web;
    private final BlockingQueue<HttpExchangeSeen> seen = new LinkedBlockingQueue<>();

    /** What the local web server was asked. */
    record HttpExchangeSeen(String method, String path, String host, byte[] body) {}

    @BeforeEach
    void listen() throws IOException {
        recorder = new ConnectionRecorder();
        open.add(recorder);
        web = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        web.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        web.createContext("/", this::answer);
        web.start();
    }

    @AfterEach
    void close() throws Exception {
        web.stop(0);
        for (AutoCloseable c : open.reversed()) c.close();
    }

    private void answer(HttpExchange ex) throws IOException {
        try (ex) {
            byte[] body = ex.getRequestBody().readAllBytes();
            seen.add(new HttpExchangeSeen(ex.getRequestMethod(), ex.getRequestURI().toString(),
                    ex.getRequestHeaders().getFirst("Host"), body));
            switch (ex.getRequestURI().getPath()) {
                case "/big" -> { // announced length over the limit
                    byte[] big = new byte[200 * 1024];
                    ex.sendResponseHeaders(200, big.length);
                    ex.getResponseBody().write(big);
                }
                case "/chunked" -> { // no length: the limit is found while reading
                    ex.sendResponseHeaders(200, 0);
                    for (int i = 0; i < 200; i++) ex.getResponseBody().write(new byte[1024]);
                }
                case "/redirect" -> {
                    ex.getResponseHeaders().add("Location", "http://127.0.0.1:" + recorder.port() + "/metadata");
                    ex.sendResponseHeaders(302, -1);
                }
                default -> {
                    byte[] hello = "hello".getBytes(StandardCharsets.UTF_8);
                    ex.getResponseHeaders().add("Retry-After", "7");
                    ex.sendResponseHeaders(201, hello.length);
                    ex.getResponseBody().write(hello);
                }
            }
        }
    }

    private OutboundPolicy policy(List<String> cidrs, List<String> pushHosts, Set<Purpose> plainHttp, Duration readTimeout) {
        return policy(cidrs, pushHosts, plainHttp, readTimeout, null);
    }

    private OutboundPolicy policy(List<String> cidrs, List<String> pushHosts, Set<Purpose> plainHttp, Duration readTimeout,
                                  javax.net.ssl.TrustManagerFactory trust) {
        var settings = new OutboundSettings(cidrs.stream().map(Cidr::parse).toList(), pushHosts.stream().map(HostPattern::parse).toList(),
                Duration.ofSeconds(5), readTimeout, Duration.ofSeconds(10), 64 * 1024);
        OutboundPolicy p = new OutboundPolicy(settings, plainHttp, dns, trust);
        open.add(p);
        return p;
    }

    private static OutboundRequest post(String url) {
        return OutboundRequest.post(Purpose.WEB_PUSH, URI.create(url), Map.of("TTL", "60"), "ping".getBytes(StandardCharsets.UTF_8));
    }

    private int webPort() { return web.getAddress().getPort(); }

    @Test
    void loopbackInEveryDisguiseIsRefusedBeforeAnyConnection() throws Exception {
        OutboundPolicy p = policy(List.of(), List.of(), Set.of(Purpose.WEB_PUSH), Duration.ofSeconds(5));
        SimpleMeterRegistry metrics = new SimpleMeterRegistry();
        p.bindTo(metrics);
        int port = recorder.port();
        List<String> urls = List.of("http://127.0.0.1:%d/", "http://localhost:%d/", "http://LOCALHOST.:%d/", "http://127.0.0.2:%d/",
                "http://2130706433:%d/", "http://0x7f000001:%d/", "http://017700000001:%d/", "http://0177.0.0.1:%d/",
                "http://127.1:%d/", "http://0x7f.1:%d/", "http://[::1]:%d/", "http://[::ffff:127.0.0.1]:%d/",
                "http://[::ffff:7f00:1]:%d/", "http://[64:ff9b::7f00:1]:%d/", "http://[2002:7f00:1::1]:%d/");
        List<String> wrong = new ArrayList<>();
        for (String u : urls) {
            String url = u.formatted(port);
            try {
                p.send(post(url));
                wrong.add(url + " was sent");
            } catch (OutboundRefusedException e) {
                if (e.addressClass() != AddressClass.LOOPBACK) wrong.add(url + " refused as " + e.reason());
            }
        }
        double counted = metrics.get("parley_outbound_refused").tags("purpose", "web_push", "reason", "loopback").functionCounter().count();
        assertAll(
                () -> assertEquals(List.of(), wrong),
                () -> assertEquals(0, recorder.connections(), "no connection was opened"),
                () -> assertEquals(urls.size(), counted),
                () -> assertEquals(urls.size(), p.refusals(Purpose.WEB_PUSH, "loopback")));
    }

    @Test
    void theOtherAddressClassesAreRefusedToo() throws Exception {
        OutboundPolicy p = policy(List.of(), List.of(), Set.of(), Duration.ofSeconds(5));
        dns.answer("metadata.test", "169.254.169.254").answer("intranet.test", "10.0.0.1")
                .answer("mixed.test", "93.184.215.14", "192.168.1.1").answer("six.test", "fd00:ec2::254");
        Map<String, AddressClass> cases = Map.ofEntries(
                Map.entry("https://169.254.169.254/latest/meta-data/", AddressClass.METADATA),
                Map.entry("https://metadata.test/", AddressClass.METADATA),
                Map.entry("https://[fd00:ec2::254]/", AddressClass.METADATA),
                Map.entry("https://six.test/", AddressClass.METADATA),
                Map.entry("https://100.100.100.200/", AddressClass.METADATA),
                Map.entry("https://10.0.0.1/", AddressClass.PRIVATE),
                Map.entry("https://intranet.test/", AddressClass.PRIVATE),
                Map.entry("https://mixed.test/", AddressClass.PRIVATE),
                Map.entry("https://172.16.0.1/", AddressClass.PRIVATE),
                Map.entry("https://[fd12::1]/", AddressClass.PRIVATE),
                Map.entry("https://169.254.1.1/", AddressClass.LINK_LOCAL),
                Map.entry("https://[fe80::1%25eth0]/", AddressClass.LINK_LOCAL),
                Map.entry("https://100.64.0.1/", AddressClass.SHARED),
                Map.entry("https://0.0.0.0/", AddressClass.UNSPECIFIED),
                Map.entry("https://[::]/", AddressClass.UNSPECIFIED),
                Map.entry("https://224.0.0.1/", AddressClass.MULTICAST),
                Map.entry("https://255.255.255.255/", AddressClass.BROADCAST),
                Map.entry("https://192.0.2.1/", AddressClass.DOCUMENTATION),
                Map.entry("https://198.18.0.1/", AddressClass.BENCHMARK),
                Map.entry("https://240.0.0.1/", AddressClass.RESERVED),
                Map.entry("https://[::ffff:169.254.169.254]/", AddressClass.METADATA));
        for (var c : cases.entrySet()) {
            var e = assertThrows(OutboundRefusedException.class, () -> p.check(Purpose.WEB_PUSH, URI.create(c.getKey())), c.getKey());
            assertEquals(c.getValue(), e.addressClass(), c.getKey());
        }
        assertEquals(1, dns.lookups("mixed.test"));
        assertTrue(p.admit(Purpose.WEB_PUSH, URI.create("https://8.8.8.8/")).addresses().contains(InetAddress.ofLiteral("8.8.8.8")));
    }

    @Test
    void httpsOnlyUnlessThePurposeMayUsePlainHttp() {
        OutboundPolicy p = policy(List.of(), List.of(), Set.of(), Duration.ofSeconds(5));
        for (String url : List.of("http://8.8.8.8/", "ftp://8.8.8.8/", "file://8.8.8.8/etc/passwd", "gopher://8.8.8.8:70/")) {
            var e = assertThrows(OutboundRefusedException.class, () -> p.check(Purpose.WEB_PUSH, URI.create(url)), url);
            assertEquals(OutboundRefusedException.Kind.SCHEME, e.kind(), url);
        }
        assertEquals(4, p.refusals(Purpose.WEB_PUSH, "scheme"));
        assertThrows(IllegalArgumentException.class, () -> p.check(Purpose.WEB_PUSH, URI.create("https:///path")), "no host");
    }

    @Test
    void theHostAllowListIsCheckedBeforeAnyLookup() throws Exception {
        OutboundPolicy p = policy(List.of(), List.of("*.push.example", "fcm.googleapis.com"), Set.of(), Duration.ofSeconds(5));
        dns.answer("eu.push.example", "93.184.215.14");
        Destination d = p.admit(Purpose.WEB_PUSH, URI.create("https://EU.push.example./send/abc"));
        var e = assertThrows(OutboundRefusedException.class, () -> p.check(Purpose.WEB_PUSH, URI.create("https://push.evil/")));
        assertAll(
                () -> assertEquals("eu.push.example", d.host()),
                () -> assertEquals(443, d.port()),
                () -> assertEquals(List.of(InetAddress.ofLiteral("93.184.215.14")), d.addresses()),
                () -> assertEquals(OutboundRefusedException.Kind.HOST_NOT_ALLOWED, e.kind()),
                () -> assertEquals(0, dns.lookups("push.evil"), "refused before DNS"));
    }

    @Test
    void dnsRebindingIsCaughtAtSendTimeWithoutAConnection() throws Exception {
        OutboundPolicy p = policy(List.of(), List.of(), Set.of(Purpose.WEB_PUSH), Duration.ofSeconds(5));
        dns.answer("push.rebind.test", "93.184.215.14").answer("push.rebind.test", "127.0.0.1");
        URI url = URI.create("http://push.rebind.test:" + recorder.port() + "/push/1");
        p.check(Purpose.WEB_PUSH, url); // when the subscription is made: a public address

        var e = assertThrows(OutboundRefusedException.class, () -> p.send(post(url.toString())));
        assertAll(
                () -> assertEquals(AddressClass.LOOPBACK, e.addressClass()),
                () -> assertEquals(0, recorder.connections(), "no connection was opened"),
                () -> assertEquals(2, dns.lookups("push.rebind.test"), "one lookup per use"));
    }

    @Test
    void aSendConnectsToTheCheckedAddressAndLooksTheHostUpOnce() throws Exception {
        // An operator's on-premises relay: loopback stands in for its private network.
        OutboundPolicy p = policy(List.of("127.0.0.0/8"), List.of(), Set.of(Purpose.WEB_PUSH), Duration.ofSeconds(5));
        dns.answer("relay.internal.test", "127.0.0.1"); // a name the system's DNS does not know: only the checked address works
        OutboundResponse r = p.send(post("http://relay.internal.test:" + webPort() + "/push/1?x=1"));
        HttpExchangeSeen request = seen.poll(5, TimeUnit.SECONDS);
        assertNotNull(request);
        assertAll(
                () -> assertEquals(201, r.status()),
                () -> assertArrayEquals("hello".getBytes(StandardCharsets.UTF_8), r.body()),
                () -> assertEquals("7", r.header("retry-after").orElseThrow()),
                () -> assertEquals("POST", request.method()),
                () -> assertEquals("/push/1?x=1", request.path()),
                () -> assertEquals("relay.internal.test:" + webPort(), request.host()),
                () -> assertArrayEquals("ping".getBytes(StandardCharsets.UTF_8), request.body()),
                () -> assertEquals(1, dns.lookups("relay.internal.test"), "the client did not look the host up again"));
    }

    @Test
    void allowedCidrsNeverOpenMetadata() throws Exception {
        OutboundPolicy p = policy(List.of("169.254.0.0/16", "0.0.0.0/0"), List.of(), Set.of(), Duration.ofSeconds(5));
        var e = assertThrows(OutboundRefusedException.class, () -> p.check(Purpose.WEB_PUSH, URI.create("https://169.254.169.254/")));
        assertAll(
                () -> assertEquals(AddressClass.METADATA, e.addressClass()),
                () -> assertEquals(AddressClass.UNSPECIFIED, assertThrows(OutboundRefusedException.class,
                        () -> p.check(Purpose.WEB_PUSH, URI.create("https://0.0.0.0/"))).addressClass()),
                () -> p.check(Purpose.WEB_PUSH, URI.create("https://169.254.1.1/")),
                () -> p.check(Purpose.WEB_PUSH, URI.create("https://10.1.2.3/")));
    }

    @Test
    void redirectsAreAnswersNotFollowed() throws Exception {
        OutboundPolicy p = policy(List.of("127.0.0.1/32"), List.of(), Set.of(Purpose.WEB_PUSH), Duration.ofSeconds(5));
        OutboundResponse r = p.send(post("http://127.0.0.1:" + webPort() + "/redirect"));
        assertAll(
                () -> assertEquals(302, r.status()),
                () -> assertEquals(0, recorder.connections(), "the Location was not visited"));
    }

    @Test
    void answersLargerThanTheLimitFail() {
        OutboundPolicy p = policy(List.of("127.0.0.1/32"), List.of(), Set.of(Purpose.WEB_PUSH), Duration.ofSeconds(5));
        assertAll(
                () -> assertThrows(ResponseTooLargeException.class, () -> p.send(post("http://127.0.0.1:" + webPort() + "/big"))),
                () -> assertThrows(ResponseTooLargeException.class, () -> p.send(post("http://127.0.0.1:" + webPort() + "/chunked"))));
    }

    @Test
    void aServerThatNeverAnswersIsGivenUpOnAtTheReadTimeout() {
        OutboundPolicy p = policy(List.of("127.0.0.1/32"), List.of(), Set.of(Purpose.WEB_PUSH), SHORT);
        long start = System.nanoTime();
        assertThrows(SocketTimeoutException.class, () -> p.send(post("http://127.0.0.1:" + recorder.port() + "/")));
        long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertAll(
                () -> assertEquals(1, recorder.connections()),
                () -> assertTrue(tookMs >= SHORT.toMillis() && tookMs < 5_000, tookMs + " ms"));
    }

    @Test
    void tlsSendsTheHostAsSniAndChecksTheCertificateNamesIt() throws Exception {
        TestCertificate cert = new TestCertificate("push.test");
        List<String> sni = new CopyOnWriteArrayList<>();
        HttpsServer tls = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        tls.setHttpsConfigurator(new HttpsConfigurator(cert.serverContext()) {
            @Override
            public void configure(HttpsParameters params) {
                SSLParameters sp = getSSLContext().getDefaultSSLParameters();
                sp.setSNIMatchers(List.of(new SNIMatcher(StandardConstants.SNI_HOST_NAME) {
                    @Override
                    public boolean matches(SNIServerName name) {
                        sni.add(new SNIHostName(name.getEncoded()).getAsciiName());
                        return true;
                    }
                }));
                params.setSSLParameters(sp);
            }
        });
        tls.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        tls.createContext("/", this::answer);
        tls.start();
        open.add(() -> tls.stop(0));
        int port = tls.getAddress().getPort();
        OutboundPolicy p = policy(List.of("127.0.0.1/32"), List.of(), Set.of(), Duration.ofSeconds(5), cert.trust());
        dns.answer("push.test", "127.0.0.1").answer("impostor.test", "127.0.0.1");

        OutboundResponse r = p.send(post("https://push.test:" + port + "/push/1"));
        IOException wrongName = assertThrows(IOException.class, () -> p.send(post("https://impostor.test:" + port + "/push/1")));
        assertAll(
                () -> assertEquals(201, r.status()),
                () -> assertEquals("push.test", sni.getFirst()),
                () -> assertEquals("push.test:" + port, seen.poll(5, TimeUnit.SECONDS).host()),
                () -> assertInstanceOf(SSLHandshakeException.class, wrongName, wrongName.toString()));
    }
}
