package io.parley.server.gateway;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponse;
import io.parley.server.web.ContentSecurityPolicy;

/**
 * Gives every HTTP response that has no Content-Security-Policy of its own {@link ContentSecurityPolicy#API}:
 * JSON, errors, 404s and 405s, file downloads (streamed too), refused WebSocket upgrades, {@code /metrics},
 * {@code /health}, and the responses Netty writes itself (the aggregator's 413). A browser that is led to open one
 * of them then runs nothing and frames nothing. The web client's pages and files set their own policy, which stays.
 *
 * <p>An outbound handler next to the HTTP codec rather than a line in each writer, so that no way of answering
 * can miss it. Informational responses (100, 101) are left alone.
 */
@ChannelHandler.Sharable
final class ApiContentSecurityPolicy extends ChannelOutboundHandlerAdapter {
    static final ApiContentSecurityPolicy INSTANCE = new ApiContentSecurityPolicy();

    private ApiContentSecurityPolicy() {}

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof HttpResponse r && r.status().code() >= 200 && !r.headers().contains(HttpHeaderNames.CONTENT_SECURITY_POLICY)) {
            r.headers().set(HttpHeaderNames.CONTENT_SECURITY_POLICY, ContentSecurityPolicy.API);
        }
        ctx.write(msg, promise);
    }
}
