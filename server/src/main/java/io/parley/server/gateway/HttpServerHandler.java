package io.parley.server.gateway;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.parley.core.error.ErrorCode;
import io.parley.core.error.ParleyException;
import io.parley.server.http.HttpRequest;
import io.parley.server.http.HttpResponse;
import io.parley.server.http.Router;
import io.parley.server.http.TrustedProxies;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;

/**
 * HTTP requests: {@code /ws} goes to the WebSocket upgrade, everything else to the router. Handlers
 * run on virtual threads (they may block on the database); the event loop only parses and writes.
 * Every response gets the security headers; a ParleyException becomes its JSON error, anything
 * else a 500 with no detail.
 */
final class HttpServerHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final Logger log = LoggerFactory.getLogger(HttpServerHandler.class);

    private final Router router;
    private final WebSocketUpgrade upgrade;
    private final ExecutorService workers;
    private final TrustedProxies proxies;

    HttpServerHandler(Router router, WebSocketUpgrade upgrade, ExecutorService workers, TrustedProxies proxies) {
        super(false); // the request is released by whoever finishes with it, possibly on another thread
        this.router = router;
        this.upgrade = upgrade;
        this.workers = workers;
        this.proxies = proxies;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
        if (!req.decoderResult().isSuccess()) {
            req.release();
            write(ctx, false, HttpResponse.error(ErrorCode.MALFORMED, "malformed HTTP request", null));
            return;
        }
        QueryStringDecoder q = new QueryStringDecoder(req.uri());
        boolean keepAlive = HttpUtil.isKeepAlive(req);
        if (q.path().equals("/ws") && "websocket".equalsIgnoreCase(req.headers().get(HttpHeaderNames.UPGRADE))) {
            workers.execute(() -> {
                HttpResponse refused;
                try {
                    refused = upgrade.upgrade(ctx, req);
                } catch (RuntimeException e) {
                    log.error("websocket upgrade failed", e);
                    refused = HttpResponse.error(ErrorCode.INTERNAL, "internal error", null);
                }
                if (refused != null) {
                    req.release();
                    write(ctx, false, refused);
                }
            });
            return;
        }
        HttpRequest request;
        try {
            request = toRequest(ctx, req, q, ByteBufUtil.getBytes(req.content()), null, proxies);
        } finally {
            req.release();
        }
        workers.execute(() -> write(ctx, keepAlive, route(request)));
    }

    private HttpResponse route(HttpRequest request) {
        return switch (router.match(request.method(), request.path())) {
            case Router.Match.Found f -> handle(f.handler(), request.withPathParams(f.params()));
            case Router.Match.MethodNotAllowed m -> {
                HttpResponse e = HttpResponse.error(ErrorCode.INVALID, "method " + request.method()
                        + " not allowed here; allowed: " + String.join(", ", m.allowed()), null);
                yield new HttpResponse(405, e.contentType(), e.body(), Map.of("Allow", String.join(", ", m.allowed())));
            }
            case Router.Match.NotFound n -> HttpResponse.error(ErrorCode.NOT_FOUND, "no such endpoint", null);
        };
    }

    /** Runs a handler: a ParleyException becomes its JSON error, anything else a 500 with no detail. */
    static HttpResponse handle(io.parley.server.http.HttpHandler handler, HttpRequest request) {
        try {
            return handler.handle(request);
        } catch (ParleyException e) {
            return HttpResponse.error(e);
        } catch (Exception e) {
            log.error("{} {} failed", request.method(), request.path(), e);
            return HttpResponse.error(ErrorCode.INTERNAL, "internal error", null);
        }
    }

    /** {@return the request as handlers see it; its remote address is the client, behind a trusted proxy too} */
    static HttpRequest toRequest(ChannelHandlerContext ctx, io.netty.handler.codec.http.HttpRequest req, QueryStringDecoder q,
                                 byte[] body, java.io.InputStream bodyStream, TrustedProxies proxies) {
        Map<String, String> headers = new HashMap<>();
        req.headers().forEach(h -> headers.putIfAbsent(h.getKey().toLowerCase(Locale.ROOT), h.getValue()));
        String peer = ctx.channel().remoteAddress() instanceof InetSocketAddress a ? a.getAddress().getHostAddress() : "";
        String client = proxies.client(peer, req.headers().getAll("X-Forwarded-For")); // every line: proxies may add their own
        return new HttpRequest(req.method().name(), q.path(), q.parameters(), headers, body, Map.of(), client, bodyStream);
    }

    /** Writes a response (from a handler's thread, never the event loop: a streamed body blocks while it is copied). */
    static void write(ChannelHandlerContext ctx, boolean keepAlive, HttpResponse r) {
        if (r.stream() != null) {
            writeStreamed(ctx, keepAlive, r);
            return;
        }
        io.netty.channel.ChannelFuture written = writeFull(ctx, keepAlive, r);
        if (!keepAlive) written.addListener(ChannelFutureListener.CLOSE);
    }

    /** Writes a buffered response; with {@code keepAlive} false it says {@code Connection: close}, and the caller closes. */
    static io.netty.channel.ChannelFuture writeFull(ChannelHandlerContext ctx, boolean keepAlive, HttpResponse r) {
        HttpResponseStatus status = HttpResponseStatus.valueOf(r.status());
        FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(r.body()));
        res.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, r.body().length);
        headers(res, r);
        res.headers().set(HttpHeaderNames.CONNECTION, keepAlive ? HttpHeaderValues.KEEP_ALIVE : HttpHeaderValues.CLOSE);
        return ctx.writeAndFlush(res);
    }

    private static void headers(io.netty.handler.codec.http.HttpResponse res, HttpResponse r) {
        if (r.contentType() != null) res.headers().set(HttpHeaderNames.CONTENT_TYPE, r.contentType());
        res.headers().set("X-Content-Type-Options", "nosniff");
        res.headers().set("Referrer-Policy", "no-referrer");
        res.headers().set("X-Frame-Options", "DENY");
        res.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
        r.headers().forEach((k, v) -> res.headers().set(k, v));
    }

    /**
     * Copies a streamed body in 64 KiB chunks, waiting whenever the channel's outbound buffer is above its high
     * water mark, so a slow client holds back the copy instead of filling the heap.
     *
     * <p>The chunk that completes the promised length goes out as the response's last content. A client holding
     * every byte of the length may send its next request on the connection at once; had the end of this response
     * been a separate write after it, that request's response (written by another handler thread) could reach
     * the encoder first, which refuses a new response in the middle of one, and the client would wait for ever.
     */
    private static void writeStreamed(ChannelHandlerContext ctx, boolean keepAlive, HttpResponse r) {
        var res = new io.netty.handler.codec.http.DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(r.status()));
        long length = r.stream().length();
        HttpUtil.setContentLength(res, length);
        headers(res, r);
        if (keepAlive) res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        ctx.write(res);
        io.netty.channel.ChannelFuture last = null;
        long sent = 0;
        try (java.io.InputStream in = r.stream().in()) {
            if (length == 0) last = ctx.writeAndFlush(io.netty.handler.codec.http.LastHttpContent.EMPTY_LAST_CONTENT);
            byte[] buf = new byte[64 * 1024];
            for (int n; sent < length && (n = in.read(buf, 0, (int) Math.min(buf.length, length - sent))) > 0; ) {
                sent += n;
                var data = Unpooled.copiedBuffer(buf, 0, n);
                if (sent == length) {
                    last = ctx.writeAndFlush(new io.netty.handler.codec.http.DefaultLastHttpContent(data));
                    break;
                }
                io.netty.channel.ChannelFuture f = ctx.writeAndFlush(new io.netty.handler.codec.http.DefaultHttpContent(data));
                if (!ctx.channel().isWritable()) f.awaitUninterruptibly();
                if (!ctx.channel().isActive()) return;
            }
        } catch (java.io.IOException e) {
            log.warn("streaming a response failed after {} bytes", sent, e);
        }
        if (last == null) { // cannot finish the promised length: the client must see a cut connection
            ctx.close();
            return;
        }
        if (!keepAlive) last.addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("http connection error", cause);
        ctx.close();
    }
}
