package io.parley.server.gateway;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * Where the redirect port sends a request: server.public_url's origin when set (whatever the Host says), else the
 * request's host with the https port (left out when it is 443), the same path and query; a Host that is not a host
 * gets a 400, and the connection closes once the request has been read. The end-to-end side is in TlsEndToEndTest.
 */
class HttpsRedirectTest {
    private static FullHttpResponse answer(HttpsRedirect redirect, HttpMethod method, String uri, String host) {
        EmbeddedChannel ch = new EmbeddedChannel(redirect);
        DefaultFullHttpRequest req = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, method, uri);
        if (host != null) req.headers().set("Host", host);
        ch.writeInbound(req);
        FullHttpResponse r = ch.readOutbound();
        assertFalse(ch.isOpen(), "closed after the answer");
        return r;
    }

    @Test
    void thePublicUrlsOriginWinsOverTheHostHeader() {
        HttpsRedirect r = new HttpsRedirect("https://chat.example.com/", 8443);
        FullHttpResponse get = answer(r, HttpMethod.GET, "/api/v1/users/me?x=1", "evil.example");
        FullHttpResponse put = answer(r, HttpMethod.PUT, "/a", null);
        assertAll(
                () -> assertEquals(301, get.status().code()),
                () -> assertEquals("https://chat.example.com/api/v1/users/me?x=1", get.headers().get("Location")),
                () -> assertEquals(308, put.status().code()),
                () -> assertEquals("https://chat.example.com/a", put.headers().get("Location")));
    }

    @Test
    void withoutAPublicUrlTheHostKeepsItsNameWithTheHttpsPort() {
        HttpsRedirect r = new HttpsRedirect("", 8443);
        HttpsRedirect standard = new HttpsRedirect("", 443);
        assertAll(
                () -> assertEquals("https://chat.example.com:8443/x", answer(r, HttpMethod.GET, "/x", "chat.example.com:80").headers().get("Location")),
                () -> assertEquals("https://[::1]:8443/", answer(r, HttpMethod.HEAD, "/", "[::1]:8080").headers().get("Location")),
                () -> assertEquals("https://chat.example.com/", answer(standard, HttpMethod.GET, "/", "chat.example.com").headers().get("Location")),
                () -> assertEquals("https://10.0.0.5:8443/", answer(r, HttpMethod.GET, "http://elsewhere/x", "10.0.0.5").headers().get("Location"),
                        "an absolute-form target does not choose the path's host"));
    }

    @Test
    void aHostThatIsNotAHostGetsA400() {
        HttpsRedirect r = new HttpsRedirect("", 8443);
        for (String host : new String[] {null, "", "evil.example/path", "a b", "x:y:z"}) {
            FullHttpResponse res = answer(r, HttpMethod.GET, "/", host);
            assertEquals(400, res.status().code(), "Host " + host);
            assertNull(res.headers().get("Location"));
        }
    }
}
