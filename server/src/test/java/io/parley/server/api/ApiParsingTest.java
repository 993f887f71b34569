package io.parley.server.api;

import io.parley.core.error.ErrorCode;
import io.parley.core.error.ParleyException;
import io.parley.server.app.Services;
import io.parley.server.http.HttpRequest;
import io.parley.server.http.HttpResponse;
import io.parley.server.http.Router;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Routing and decoding without a database: the services behind the REST API are a real
 * {@link io.parley.core.auth.AuthService} over empty fakes and nothing else, so any request that got
 * past parsing would fail with a NullPointerException. Bad input must be refused before that.
 */
class ApiParsingTest {
    private static final Set<String> PUBLIC = Set.of(
            "GET /api/v1/setup", "POST /api/v1/setup", "POST /api/v1/auth/register", "POST /api/v1/auth/login",
            "POST /api/v1/auth/refresh", "GET " + OpenApi.PATH,
            "POST /hooks/{token}"); // the secret URL is the credential (WebhooksEndToEndTest)
    private static final String BEARER = "Bearer " + FakeAuth.GOOD_TOKEN;
    private static final String JSON = "application/json";

    private final RestApi api = new RestApi(new Services(FakeAuth.create(), null, null, null, null, null, null, null));
    private final Router router = new Router();

    ApiParsingTest() {
        api.register(router);
    }

    // ---- helpers ------------------------------------------------------------------------------

    private HttpResponse call(String method, String path, Map<String, String> headers, String body) throws Exception {
        return call(method, path, headers, body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8));
    }

    private HttpResponse call(String method, String path, Map<String, String> headers, byte[] body) throws Exception {
        String p = path;
        Map<String, List<String>> query = new HashMap<>();
        int q = path.indexOf('?');
        if (q >= 0) {
            p = path.substring(0, q);
            for (String kv : path.substring(q + 1).split("&")) {
                String[] parts = kv.split("=", 2);
                query.computeIfAbsent(parts[0], k -> new java.util.ArrayList<>()).add(parts.length > 1 ? parts[1] : "");
            }
        }
        Map<String, String> lower = new HashMap<>();
        headers.forEach((k, v) -> lower.put(k.toLowerCase(java.util.Locale.ROOT), v));
        Router.Match m = router.match(method, p);
        Router.Match.Found found = assertInstanceOf(Router.Match.Found.class, m, method + " " + p);
        HttpRequest req = new HttpRequest(method, p, query, lower, body, Map.of(), "127.0.0.1").withPathParams(found.params());
        return found.handler().handle(req);
    }

    private ParleyException fails(String method, String path, Map<String, String> headers, String body) {
        return assertThrows(ParleyException.class, () -> call(method, path, headers, body));
    }

    private static Map<String, String> authed() {
        return Map.of("Authorization", BEARER, "Content-Type", JSON);
    }

    private static void assertError(ParleyException e, ErrorCode code, String mentions) {
        assertAll(
                () -> assertEquals(code, e.code(), e.getMessage()),
                () -> assertTrue(e.getMessage().contains(mentions), "'" + e.getMessage() + "' should mention " + mentions));
    }

    static String sample(String pattern) {
        return pattern.replaceAll("\\{[^}]+}", UUID.randomUUID().toString());
    }

    // ---- authentication -----------------------------------------------------------------------

    static List<Endpoint> protectedEndpoints() {
        return new RestApi(new Services(null, null, null, null, null, null, null, null)).endpoints().stream()
                .filter(e -> !PUBLIC.contains(e.method() + " " + e.pattern())).toList();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("protectedEndpoints")
    void everyProtectedRouteWantsAValidToken(Endpoint e) {
        String path = sample(e.pattern());
        assertAll(
                () -> assertError(fails(e.method(), path, Map.of("Content-Type", JSON), "{}"), ErrorCode.UNAUTHORIZED, "token"),
                () -> assertError(fails(e.method(), path, Map.of("Authorization", "Bearer pat_forged", "Content-Type", JSON), "{}"),
                        ErrorCode.UNAUTHORIZED, "token"),
                () -> assertError(fails(e.method(), path, Map.of("Authorization", "Basic dXNlcjpwdw==", "Content-Type", JSON), "{}"),
                        ErrorCode.UNAUTHORIZED, "token"));
    }

    @Test
    void everyEndpointIsReachableAndNotShadowed() {
        for (Endpoint e : api.endpoints()) {
            Router.Match m = router.match(e.method(), sample(e.pattern()));
            Router.Match.Found f = assertInstanceOf(Router.Match.Found.class, m, e.method() + " " + e.pattern());
            assertSame(e.handler(), f.handler(), e.method() + " " + e.pattern() + " is shadowed by another route");
        }
        Router.Match join = router.match("POST", "/api/v1/workspaces/join");
        assertInstanceOf(Router.Match.Found.class, join);
    }

    @Test
    void unknownMethodIs405AndUnknownPathIs404() {
        assertAll(
                () -> assertInstanceOf(Router.Match.MethodNotAllowed.class, router.match("DELETE", "/api/v1/setup")),
                () -> assertInstanceOf(Router.Match.MethodNotAllowed.class, router.match("PUT", "/api/v1/chats/" + UUID.randomUUID())),
                () -> assertInstanceOf(Router.Match.NotFound.class, router.match("GET", "/api/v1/nothing-here")),
                () -> assertInstanceOf(Router.Match.NotFound.class, router.match("GET", "/api/v2/workspaces")));
    }

    // ---- bodies -------------------------------------------------------------------------------

    @Test
    void malformedJsonIsMalformed() {
        Map<String, String> h = Map.of("Content-Type", JSON);
        assertAll(
                () -> assertError(fails("POST", "/api/v1/auth/login", h, "{\"email\":"), ErrorCode.MALFORMED, "JSON"),
                () -> assertError(fails("POST", "/api/v1/auth/login", h, "not json"), ErrorCode.MALFORMED, "JSON"),
                () -> assertError(fails("POST", "/api/v1/auth/login", h, "{'email':'a'}"), ErrorCode.MALFORMED, "JSON"));
    }

    @Test
    void invalidUtf8IsMalformed() {
        byte[] body = {'{', '"', 'e', 'm', 'a', 'i', 'l', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'};
        ParleyException e = assertThrows(ParleyException.class,
                () -> call("POST", "/api/v1/auth/login", Map.of("Content-Type", JSON), body));
        assertError(e, ErrorCode.MALFORMED, "UTF-8");
    }

    @Test
    void strictBodiesNameTheField() {
        Map<String, String> h = Map.of("Content-Type", JSON);
        String login = "/api/v1/auth/login";
        assertAll(
                () -> assertError(fails("POST", login, h, "{\"email\":\"a@b.c\",\"password\":\"x\",\"admin\":true}"),
                        ErrorCode.INVALID, "admin"),
                () -> assertError(fails("POST", login, h, "{\"email\":5,\"password\":\"x\"}"), ErrorCode.INVALID, "email"),
                () -> assertError(fails("POST", login, h, "{\"email\":{},\"password\":\"x\"}"), ErrorCode.INVALID, "email"),
                () -> assertError(fails("POST", login, h, "{\"email\":\"a@b.c\"}"), ErrorCode.INVALID, "password"),
                () -> assertError(fails("POST", login, h, "{\"email\":\"a@b.c\",\"password\":null}"), ErrorCode.INVALID, "password"),
                () -> assertError(fails("POST", login, h, "{\"email\":\"a@b.c\",\"password\":\"x\"} {}"), ErrorCode.INVALID, "after"),
                () -> assertError(fails("POST", login, h, "{\"email\":\"a\",\"email\":\"b\",\"password\":\"x\"}"), ErrorCode.INVALID, "duplicate"),
                () -> assertError(fails("POST", login, h, "[1,2]"), ErrorCode.INVALID, "object"),
                () -> assertError(fails("POST", login, h, "\"x\""), ErrorCode.INVALID, "object"),
                () -> assertError(fails("POST", login, h, "null"), ErrorCode.INVALID, "object"),
                () -> assertError(fails("POST", login, h, ""), ErrorCode.INVALID, "body"));
    }

    @Test
    void nestedAndTypedFieldsAreChecked() {
        String chat = "/api/v1/chats/" + UUID.randomUUID();
        String ws = "/api/v1/workspaces/" + UUID.randomUUID();
        assertAll(
                () -> assertError(fails("POST", chat + "/members", authed(), "{\"userIds\":[\"nope\"]}"), ErrorCode.INVALID, "userIds"),
                () -> assertError(fails("POST", chat + "/members", authed(), "{\"userIds\":\"" + UUID.randomUUID() + "\"}"),
                        ErrorCode.INVALID, "userIds"),
                () -> assertError(fails("POST", chat + "/members", authed(), "{\"userIds\":[null]}"), ErrorCode.INVALID, "userIds"),
                () -> assertError(fails("POST", chat + "/members", authed(), "{}"), ErrorCode.INVALID, "userIds"),
                () -> assertError(fails("POST", chat + "/messages", authed(), "{\"content\":\"hi\",\"replyTo\":\"x\"}"),
                        ErrorCode.INVALID, "replyTo"),
                () -> assertError(fails("POST", chat + "/messages", authed(), "{\"content\":\"hi\",\"clientMsgId\":42}"),
                        ErrorCode.INVALID, "clientMsgId"),
                () -> assertError(fails("POST", chat + "/messages", authed(), "{\"content\":[\"hi\"]}"), ErrorCode.INVALID, "content"),
                () -> assertError(fails("POST", chat + "/messages", authed(), "{\"content\":\"hi\",\"text\":\"hi\"}"), ErrorCode.INVALID, "text"),
                () -> assertError(fails("POST", chat + "/read", authed(), "{}"), ErrorCode.INVALID, "messageId or seq"),
                () -> assertError(fails("POST", chat + "/read", authed(), "{\"seq\":\"5\"}"), ErrorCode.INVALID, "seq"),
                () -> assertError(fails("POST", chat + "/read", authed(), "{\"seq\":-1}"), ErrorCode.INVALID, "seq"),
                () -> assertError(fails("POST", ws + "/channels", authed(), "{\"name\":\"x\",\"private\":\"yes\"}"), ErrorCode.INVALID, "private"),
                () -> assertError(fails("POST", ws + "/invites", authed(), "{\"role\":\"superuser\"}"), ErrorCode.INVALID, "role"),
                () -> assertError(fails("POST", ws + "/invites", authed(), "{\"expiresInSeconds\":0}"), ErrorCode.INVALID, "expiresInSeconds"),
                () -> assertError(fails("POST", ws + "/invites", authed(), "{\"maxUses\":1.5}"), ErrorCode.INVALID, "maxUses"),
                () -> assertError(fails("PUT", ws + "/members/" + UUID.randomUUID() + "/role", authed(), "{}"), ErrorCode.INVALID, "role"),
                () -> assertError(fails("PATCH", ws + "/settings", authed(), "{\"openSignup\":\"true\"}"), ErrorCode.INVALID, "openSignup"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"text/plain", "application/x-www-form-urlencoded", "application/json; charset=latin1", ""})
    void bodiesNeedJsonContentType(String type) {
        Map<String, String> h = type.isEmpty() ? Map.of() : Map.of("Content-Type", type);
        assertError(fails("POST", "/api/v1/auth/login", h, "{\"email\":\"a@b.c\",\"password\":\"x\"}"), ErrorCode.INVALID, "Content-Type");
    }

    @ParameterizedTest
    @ValueSource(strings = {"application/json", "application/json; charset=utf-8", "Application/JSON;charset=\"UTF-8\""})
    void jsonContentTypesAreAccepted(String type) {
        // Parsing passes; the (empty) user store then refuses the login.
        ParleyException e = fails("POST", "/api/v1/auth/login", Map.of("Content-Type", type), "{\"email\":\"a@b.c\",\"password\":\"x\"}");
        assertEquals(ErrorCode.UNAUTHORIZED, e.code());
    }

    // ---- parameters ---------------------------------------------------------------------------

    @Test
    void badUuidsNameTheParameter() {
        String id = UUID.randomUUID().toString();
        assertAll(
                () -> assertError(fails("GET", "/api/v1/workspaces/nope", authed(), null), ErrorCode.INVALID, "wsId"),
                () -> assertError(fails("GET", "/api/v1/workspaces/1-2-3-4-5", authed(), null), ErrorCode.INVALID, "wsId"),
                () -> assertError(fails("GET", "/api/v1/chats/" + id.substring(1) + "x", authed(), null), ErrorCode.INVALID, "chatId"),
                () -> assertError(fails("GET", "/api/v1/users/zzz", authed(), null), ErrorCode.INVALID, "userId"),
                () -> assertError(fails("DELETE", "/api/v1/workspaces/" + id + "/invites/x", authed(), null), ErrorCode.INVALID, "inviteId"),
                () -> assertError(fails("DELETE", "/api/v1/chats/" + id + "/members/x", authed(), null), ErrorCode.INVALID, "userId"),
                () -> assertError(fails("GET", "/api/v1/messages/%27%20OR%201=1/thread", authed(), null), ErrorCode.INVALID, "messageId"));
    }

    @Test
    void queryParametersAreChecked() {
        String chat = "/api/v1/chats/" + UUID.randomUUID();
        String msg = "/api/v1/messages/" + UUID.randomUUID();
        assertAll(
                () -> assertError(fails("GET", chat + "/messages?limit=0", authed(), null), ErrorCode.INVALID, "limit"),
                () -> assertError(fails("GET", chat + "/messages?limit=201", authed(), null), ErrorCode.INVALID, "limit"),
                () -> assertError(fails("GET", chat + "/messages?limit=abc", authed(), null), ErrorCode.INVALID, "limit"),
                () -> assertError(fails("GET", chat + "/messages?limit=99999999999999999999", authed(), null), ErrorCode.INVALID, "limit"),
                () -> assertError(fails("GET", chat + "/messages?before=-1", authed(), null), ErrorCode.INVALID, "before"),
                () -> assertError(fails("GET", chat + "/messages?after=x", authed(), null), ErrorCode.INVALID, "after"),
                () -> assertError(fails("GET", chat + "/messages?before=5&after=1", authed(), null), ErrorCode.INVALID, "before or after"),
                () -> assertError(fails("GET", msg + "/thread?limit=-3", authed(), null), ErrorCode.INVALID, "limit"),
                () -> assertError(fails("GET", "/api/v1/workspaces/" + UUID.randomUUID() + "/channels?all=maybe", authed(), null),
                        ErrorCode.INVALID, "all"));
    }

    @Test
    void idempotencyKeyMustBeAUuid() {
        Map<String, String> h = new HashMap<>(authed());
        h.put("Idempotency-Key", "retry-1");
        String msg = "/api/v1/messages/" + UUID.randomUUID();
        assertAll(
                () -> assertError(fails("DELETE", msg, h, null), ErrorCode.INVALID, "Idempotency-Key"),
                () -> assertError(fails("PATCH", msg, h, "{\"content\":\"x\"}"), ErrorCode.INVALID, "Idempotency-Key"),
                () -> assertError(fails("POST", msg + "/reactions", h, "{\"emoji\":\":+1:\"}"), ErrorCode.INVALID, "Idempotency-Key"),
                () -> assertError(fails("POST", "/api/v1/chats/" + UUID.randomUUID() + "/messages", h, "{\"content\":\"x\"}"),
                        ErrorCode.INVALID, "Idempotency-Key"));
    }

    // ---- writes -------------------------------------------------------------------------------

    @Test
    void awaitRethrowsTheWritesOwnError() {
        ParleyException archived = new ParleyException(ErrorCode.ARCHIVED, "the chat is archived");
        assertAll(
                () -> assertSame(archived, assertThrows(ParleyException.class,
                        () -> ApiSupport.await(CompletableFuture.failedFuture(archived)))),
                () -> assertSame(archived, assertThrows(ParleyException.class,
                        () -> ApiSupport.await(CompletableFuture.failedFuture(new CompletionException(archived))))),
                () -> assertEquals("ok", ApiSupport.await(CompletableFuture.completedFuture("ok"))),
                () -> assertInstanceOf(IllegalStateException.class, assertThrows(RuntimeException.class,
                        () -> ApiSupport.await(CompletableFuture.failedFuture(new IllegalStateException("boom"))))));
    }
}
