package io.parley.server.gateway;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;
import io.parley.core.auth.AuthService;
import io.parley.core.auth.Principal;
import io.parley.core.error.ErrorCode;
import io.parley.core.error.ParleyException;
import io.parley.core.protocol.CloseCode;
import io.parley.core.protocol.ServerFrame;
import io.parley.server.http.HttpResponse;

import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * {@code GET /ws}: authenticates the token (header {@code Authorization: Bearer} or {@code ?token=}),
 * reads the protocol version ({@code ?v=} or subprotocol {@code parley.v1}), completes the handshake
 * and hands the channel to a {@link WebSocketHandler}. A bad token gets a plain HTTP 401 and no
 * upgrade; an unsupported version gets the upgrade, an {@code UPGRADE_REQUIRED} error and close 4502.
 */
final class WebSocketUpgrade {
    /** Protocol versions this server speaks. */
    static final Set<Integer> SUPPORTED_VERSIONS = Set.of(1);
    static final int CURRENT_VERSION = 1;
    /** Hard cap where Netty itself closes with 1009; frames between maxFrameBytes and this get our error first. */
    private static final int HARD_FRAME_CAP = 1 << 20;

    private final AuthService auth;
    private final Hub hub;
    private final FrameDispatcher dispatcher;
    private final GatewayMetrics metrics;
    private final GatewayConfig config;

    WebSocketUpgrade(AuthService auth, Hub hub, FrameDispatcher dispatcher, GatewayMetrics metrics, GatewayConfig config) {
        this.auth = auth;
        this.hub = hub;
        this.dispatcher = dispatcher;
        this.metrics = metrics;
        this.config = config;
    }

    /** Runs on a virtual thread (authentication reads the store); returns a response when the upgrade is refused. */
    HttpResponse upgrade(ChannelHandlerContext ctx, FullHttpRequest req) {
        QueryStringDecoder q = new QueryStringDecoder(req.uri());
        String token = bearer(req.headers().get("Authorization"));
        if (token == null) token = first(q.parameters().get("token"));
        Principal principal;
        try {
            principal = auth.authenticate(token);
        } catch (ParleyException e) {
            return HttpResponse.error(e.code() == ErrorCode.UNAVAILABLE ? e.code() : ErrorCode.UNAUTHORIZED, e.getMessage(), e.retryAfterSeconds());
        }
        int version = requestedVersion(q, req.headers().get("Sec-WebSocket-Protocol"));
        String url = "ws://" + req.headers().get("Host") + "/ws";
        WebSocketDecoderConfig decoder = WebSocketDecoderConfig.newBuilder()
                .maxFramePayloadLength(HARD_FRAME_CAP).withUTF8Validator(false).allowExtensions(false).build();
        WebSocketServerHandshaker handshaker = new WebSocketServerHandshakerFactory(url, "parley.v1", decoder).newHandshaker(req);
        if (handshaker == null) {
            return HttpResponse.error(ErrorCode.INVALID, "not a WebSocket upgrade request (unsupported WebSocket version)", null);
        }
        Principal who = principal;
        try {
            hub.prepare(who.userId()); // a pod's node watches the user's chats before the client can sync
        } catch (ParleyException e) {
            return HttpResponse.error(e.code(), e.getMessage(), e.retryAfterSeconds());
        }
        ctx.channel().eventLoop().execute(() -> {
            try {
                handshaker.handshake(ctx.channel(), req).addListener(f -> {
                    if (f.isSuccess()) onOpen(ctx, who, version);
                    else hub.abandon(who.userId());
                });
            } catch (RuntimeException e) {
                hub.abandon(who.userId());
                throw e;
            } finally {
                req.release();
            }
        });
        return null;
    }

    private void onOpen(ChannelHandlerContext ctx, Principal principal, int version) {
        ChannelPipeline p = ctx.pipeline();
        Connection c = new Connection(ctx.channel(), principal, config.sendQueueMax());
        p.addLast("ws-aggregator", new WebSocketFrameAggregator(HARD_FRAME_CAP));
        p.addLast("ws-handler", new WebSocketHandler(c, hub, dispatcher, metrics, config.maxFrameBytes()));
        p.remove(ctx.handler());
        if (!SUPPORTED_VERSIONS.contains(version)) {
            c.send(ServerFrameEncoder.encode(new ServerFrame.ErrorReply(ErrorCode.UPGRADE_REQUIRED, "protocol version " + version
                    + " is not supported; this server speaks " + SUPPORTED_VERSIONS + " — upgrade the client", null, null)));
            c.close(CloseCode.UPGRADE_REQUIRED);
            hub.abandon(principal.userId());
            return;
        }
        hub.register(c);
        c.send(ServerFrameEncoder.encode(new ServerFrame.Hello(principal.userId(), principal.sessionId(), version, 30,
                config.maxFrameBytes(), principal.expiresAt(), Instant.now())));
    }

    private static int requestedVersion(QueryStringDecoder q, String subprotocols) {
        String v = first(q.parameters().get("v"));
        if (v != null) {
            try {
                return Integer.parseInt(v.strip());
            } catch (NumberFormatException e) {
                return -1;
            }
        }
        if (subprotocols != null) {
            for (String s : subprotocols.split(",")) {
                String t = s.strip();
                if (t.startsWith("parley.v")) {
                    try {
                        return Integer.parseInt(t.substring(8));
                    } catch (NumberFormatException e) {
                        return -1;
                    }
                }
            }
        }
        return CURRENT_VERSION;
    }

    private static String bearer(String header) {
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) return null;
        return header.substring(7).strip();
    }

    private static String first(List<String> values) {
        return values == null || values.isEmpty() ? null : values.getFirst();
    }
}
