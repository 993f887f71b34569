package io.parley.server.push;

import io.parley.core.auth.Tokens;
import io.parley.core.notify.Notification;
import io.parley.server.Await;
import io.parley.server.Http;
import io.parley.server.Team;
import io.parley.server.TestServer;
import io.parley.server.outbound.ConnectionRecorder;
import io.parley.server.outbound.FakeDns;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The blind SSRF through Web Push, closed (issue 15 §1): a real node, subscriptions over REST, DNS simulated with
 * {@link FakeDns}. An endpoint the server must not reach is refused when it is registered ({@code 400
 * destination_not_allowed}, nothing stored), and again when a push is sent, after a fresh lookup, without a
 * connection ({@link ConnectionRecorder} is where it would have gone); such a subscription is dropped and the refusal
 * counted in {@code parley_outbound_refused_total}.
 */
@Timeout(60)
class PushEndpointRefusalTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String NOT_PUBLIC = "endpoint must be on a public host that this server can resolve";

    private final FakeDns dns = new FakeDns();
    private final List<AutoCloseable> open = new ArrayList<>();
    private TestServer server;

    @AfterEach
    void stop() throws Exception {
        if (server != null) server.close();
        for (AutoCloseable c : open) c.close();
    }

    private static Map<String, Object> subscription(String endpoint, BrowserKeys keys) {
        Map<String, Object> body = new HashMap<>();
        body.put("endpoint", endpoint);
        body.put("keys", Map.of("p256dh", keys.p256dh(), "auth", keys.auth()));
        return body;
    }

    private static Notification note(UUID userId, Team team) {
        return new Notification(userId, team.workspaceId, team.general, UUID.randomUUID(), "Olive Owner in #general", "hi",
                Notification.Priority.NORMAL, Instant.now());
    }

    private static List<?> subscriptions(Http http, Tokens who) {
        List<Object> out = new ArrayList<>();
        http.get("/api/v1/push/subscriptions", who.accessToken()).body().get("subscriptions").forEach(out::add);
        return out;
    }

    /** {@return the value of {@code parley_outbound_refused_total} for a reason, as /metrics shows it} */
    private static double refused(Http http, String reason) {
        String text = http.get("/metrics", null).raw();
        Matcher m = Pattern.compile("(?m)^parley_outbound_refused_total\\{([^}]*)} (\\S+)$").matcher(text);
        while (m.find()) {
            if (m.group(1).contains("purpose=\"web_push\"") && m.group(1).contains("reason=\"" + reason + "\"")) {
                return Double.parseDouble(m.group(2));
            }
        }
        throw new AssertionError("no parley_outbound_refused_total{purpose=web_push,reason=" + reason + "} in /metrics");
    }

    @Test
    void endpointsTheServerMustNotReachAreRefusedWhenRegisteredAndNothingIsStored() throws Exception {
        dns.answer("metadata.attacker.test", "169.254.169.254").answer("intranet.attacker.test", "10.1.2.3")
                .answer("both.attacker.test", "93.184.215.14", "127.0.0.1").unknown("nowhere.attacker.test");
        server = TestServer.start(Map.of(), dns);
        Http http = new Http(server.baseUrl());
        Team team = Team.bootstrap(server);
        Tokens bob = team.add("bob");
        BrowserKeys b = BrowserKeys.generate();
        Map<String, String> cases = new LinkedHashMap<>();
        for (String url : List.of("https://169.254.169.254/latest/meta-data/iam/", "https://10.0.0.1/", "https://localhost:8443/",
                "https://LocalHost./", "https://[::1]/", "https://127.0.0.1/", "https://127.1/", "https://0x7f.1/",
                "https://2130706433/", "https://0x7f000001/", "https://017700000001/", "https://0177.0.0.1/",
                "https://[::ffff:127.0.0.1]/", "https://[::ffff:a9fe:a9fe]/", "https://[64:ff9b::a9fe:a9fe]/",
                "https://[fd00:ec2::254]/", "https://[fe80::1]/", "https://[fc00::1]/", "https://100.64.0.1/",
                "https://172.16.0.1/", "https://192.168.1.1/", "https://0.0.0.0/", "https://[::]/", "https://224.0.0.1/",
                "https://255.255.255.255/", "https://192.0.2.1/", "https://metadata.attacker.test/push",
                "https://intranet.attacker.test/push", "https://both.attacker.test/push", "https://nowhere.attacker.test/push")) {
            cases.put(url, NOT_PUBLIC);
        }
        cases.put("http://push.example.com/push", "endpoint must be an https URL");
        cases.put("ftp://push.example.com/push", "endpoint must be an https URL");

        List<String> wrong = new ArrayList<>();
        for (var c : cases.entrySet()) {
            Http.Res r = http.post("/api/v1/push/subscriptions", subscription(c.getKey(), b), bob.accessToken());
            String code = r.body() == null ? null : r.body().path("error").path("code").asText();
            String message = r.body() == null ? null : r.body().path("error").path("message").asText();
            if (r.status() != 400 || !"destination_not_allowed".equals(code) || !c.getValue().equals(message)) {
                wrong.add(c.getKey() + " → " + r.status() + " " + r.raw());
            }
        }
        assertAll(
                () -> assertEquals(List.of(), wrong),
                () -> assertEquals(List.of(), subscriptions(http, bob), "nothing was stored"),
                () -> assertEquals(5.0, refused(http, "metadata")),
                () -> assertEquals(12.0, refused(http, "loopback")),
                () -> assertEquals(2.0, refused(http, "scheme")),
                () -> assertEquals(0, dns.lookups("push.example.com"), "a refused scheme is not even looked up"));
    }

    @Test
    void aHostThatRebindsToLoopbackAfterSubscribingIsRefusedAtSendTimeWithoutAConnection() throws Exception {
        ConnectionRecorder target = new ConnectionRecorder();
        open.add(target);
        // The attacker's DNS: a public address while the subscription is checked, loopback from then on.
        dns.answer("push.rebind.test", "93.184.215.14").answer("push.rebind.test", "127.0.0.1");
        server = TestServer.start(Map.of("push.retry_base", "50ms", "push.retry_max", "200ms"), dns);
        Http http = new Http(server.baseUrl());
        Team team = Team.bootstrap(server);
        Tokens bob = team.add("bob");
        BrowserKeys b = BrowserKeys.generate();
        Http.Res created = http.post("/api/v1/push/subscriptions",
                subscription("https://push.rebind.test:" + target.port() + "/push/1", b), bob.accessToken());
        assertEquals(201, created.status(), created.raw());

        server.server().push().send(note(bob.user().id(), team));
        Await.until(WAIT, "the refused subscription is dropped", () -> subscriptions(http, bob).isEmpty());
        assertAll(
                () -> assertEquals(0, target.connections(), "no connection was opened to the rebound address"),
                () -> assertEquals(2, dns.lookups("push.rebind.test"), "one lookup to subscribe, one to send; none by the client"),
                () -> assertEquals(1.0, refused(http, "loopback")));
    }

    @Test
    void aSubscriptionStoredBeforeThePolicyIsRefusedAtSendTime() throws Exception {
        ConnectionRecorder target = new ConnectionRecorder();
        open.add(target);
        // Then: a subscription to a loopback endpoint got in (here through an opening that the operator then closes).
        server = TestServer.start(Map.of("push.allow_insecure_endpoints", "true", "outbound.allowed_cidrs", "127.0.0.1/32"), dns);
        Http http = new Http(server.baseUrl());
        Team team = Team.bootstrap(server);
        Tokens bob = team.add("bob");
        BrowserKeys b = BrowserKeys.generate();
        assertEquals(201, http.post("/api/v1/push/subscriptions", subscription("http://127.0.0.1:" + target.port() + "/push/1", b),
                bob.accessToken()).status());

        server = TestServer.restart(server, Map.of("outbound.allowed_cidrs", ""));
        Http after = new Http(server.baseUrl());
        assertEquals(1, subscriptions(after, bob).size(), "stored, as before");
        server.server().push().send(note(bob.user().id(), team));
        Await.until(WAIT, "the refused subscription is dropped", () -> subscriptions(after, bob).isEmpty());
        assertAll(
                () -> assertEquals(0, target.connections(), "no connection was opened"),
                () -> assertEquals(1.0, refused(after, "loopback")));
    }

    @Test
    void withAPushHostAllowListOnlyThoseHostsAreAcceptedAndServed() throws Exception {
        FakePushService pushService = FakePushService.start();
        open.add(pushService);
        server = TestServer.start(Map.of("push.allow_insecure_endpoints", "true", "outbound.allowed_cidrs", "127.0.0.1/32",
                "outbound.push_hosts", "127.0.0.1,*.push.example"), dns);
        Http http = new Http(server.baseUrl());
        Team team = Team.bootstrap(server);
        Tokens bob = team.add("bob");
        BrowserKeys b = BrowserKeys.generate();

        Http.Res elsewhere = http.post("/api/v1/push/subscriptions", subscription("https://fcm.googleapis.com/fcm/send/x", b),
                bob.accessToken());
        Http.Res allowed = http.post("/api/v1/push/subscriptions", subscription(pushService.endpointFor(b), b), bob.accessToken());
        server.server().push().send(note(bob.user().id(), team));
        FakePushService.Received r = pushService.next(WAIT);
        assertAll(
                () -> assertEquals(400, elsewhere.status()),
                () -> assertEquals("destination_not_allowed", elsewhere.body().path("error").path("code").asText()),
                () -> assertEquals("endpoint must be on an allowed push service", elsewhere.body().path("error").path("message").asText()),
                () -> assertEquals(0, dns.lookups("fcm.googleapis.com")),
                () -> assertEquals(201, allowed.status(), allowed.raw()),
                () -> assertEquals(List.of(), r.problems()),
                () -> assertEquals("hi", r.payload().path("body").asText()),
                () -> assertTrue(refused(http, "host_not_allowed") == 1.0));
        assertNull(pushService.poll(Duration.ofMillis(200)), "delivered once");
    }
}
