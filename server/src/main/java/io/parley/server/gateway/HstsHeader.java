package io.parley.server.gateway;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpResponse;

/**
 * Adds {@code Strict-Transport-Security} to every HTTP response of a TLS connection. It sits in the pipeline just
 * after the HTTP codec, so every response passes it whoever writes it — routes, errors, refusals, the WebSocket
 * handshake — and none can forget it. Never on plain HTTP: browsers ignore the header there (RFC 6797 §8.1).
 */
@ChannelHandler.Sharable
final class HstsHeader extends ChannelOutboundHandlerAdapter {
    static final String NAME = "Strict-Transport-Security";
    private final String value;

    /** @param value the header's value, {@code max-age=<seconds>} */
    HstsHeader(String value) {
        this.value = value;
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof HttpResponse response) response.headers().set(NAME, value);
        ctx.write(msg, promise);
    }
}
