package io.parley.server.gateway;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.parley.server.http.Router;
import io.parley.server.http.TrustedProxies;

import java.util.concurrent.ExecutorService;

/**
 * Takes the requests of streaming routes (uploads) out of the pipeline before the aggregator, which would
 * refuse bodies over the request size limit: their chunks feed a {@link BodyStream} that the route's handler
 * reads on a virtual thread, with flow control. Every other request passes through untouched.
 *
 * <p>A handler that answers before the body has ended (a refusal: too large, unauthorised) answers with
 * {@code Connection: close} but does not close at once: closing a socket with unread bytes in it resets the
 * connection, and a client still sending its body would lose the answer. The rest of the body is read and
 * dropped until it ends, for at most {@link #LINGER_SECONDS}, then the connection closes.
 */
final class StreamingRequests extends ChannelInboundHandlerAdapter {
    private final Router router;
    private final ExecutorService workers;
    private final TrustedProxies proxies;
    static final long LINGER_SECONDS = 10;

    /** The body being received, while a streaming request's chunks arrive; event-loop confined. */
    private BodyStream current;
    /** A refused body still arriving: the connection closes when it ends; event-loop confined. */
    private BodyStream lingering;

    StreamingRequests(Router router, ExecutorService workers, TrustedProxies proxies) {
        this.router = router;
        this.workers = workers;
        this.proxies = proxies;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (current != null && msg instanceof HttpContent chunk) {
            BodyStream body = current;
            boolean last = chunk instanceof io.netty.handler.codec.http.LastHttpContent;
            if (last) current = null;
            body.offer(chunk);
            if (last && body == lingering) ctx.close();
            return;
        }
        if (msg instanceof HttpRequest req && !(msg instanceof FullHttpRequest) && req.decoderResult().isSuccess()) {
            QueryStringDecoder q = new QueryStringDecoder(req.uri());
            if (router.match(req.method().name(), q.path()) instanceof Router.Match.Found f && f.streaming()) {
                start(ctx, req, q, f);
                return;
            }
        }
        ctx.fireChannelRead(msg);
    }

    private void start(ChannelHandlerContext ctx, HttpRequest req, QueryStringDecoder q, Router.Match.Found route) {
        BodyStream body = new BodyStream(ctx.channel());
        current = body;
        boolean keepAlive = HttpUtil.isKeepAlive(req);
        if (HttpUtil.is100ContinueExpected(req)) {
            req.headers().remove(HttpHeaderNames.EXPECT);
            ctx.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE));
        }
        io.parley.server.http.HttpRequest request = HttpServerHandler.toRequest(ctx, req, q, new byte[0], body, proxies)
                .withPathParams(route.params());
        workers.execute(() -> {
            io.parley.server.http.HttpResponse response;
            try {
                response = HttpServerHandler.handle(route.handler(), request);
            } finally {
                body.discard();
            }
            if (body.ended()) {
                HttpServerHandler.write(ctx, keepAlive, response);
                return;
            }
            HttpServerHandler.writeFull(ctx, false, response);
            ctx.executor().execute(() -> linger(ctx, body));
        });
    }

    /** On the event loop: close once the refused body has ended, or after the linger time. */
    private void linger(ChannelHandlerContext ctx, BodyStream body) {
        if (body.ended()) {
            ctx.close();
            return;
        }
        lingering = body;
        ctx.executor().schedule(() -> {
            ctx.close();
            return null;
        }, LINGER_SECONDS, java.util.concurrent.TimeUnit.SECONDS);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (current != null) {
            current.abort();
            current = null;
        }
        ctx.fireChannelInactive();
    }
}
