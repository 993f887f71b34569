package io.parley.server.gateway;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.LastHttpContent;
import io.parley.core.error.ErrorCode;
import io.parley.server.http.HttpResponse;

import java.net.URI;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The plain-HTTP listener beside HTTPS ({@code server.tls.redirect_port}): every request, whatever its path or
 * method, is answered with a redirect to the same path and query over https — 301 for GET and HEAD, 308 (which keeps
 * the method and body) for the rest — and nothing else: no API, no WebSocket, no page. The target's origin is
 * {@code server.public_url} when that is set, else the request's host with the https port; a request without a
 * usable host gets a 400. Each connection closes after its answer, once the request (and any body) has been read.
 */
@ChannelHandler.Sharable
final class HttpsRedirect extends SimpleChannelInboundHandler<HttpObject> {
    /** A host name, an IPv4 address, or a bracketed IPv6 address, then an optional port. */
    private static final Pattern HOST = Pattern.compile("^([A-Za-z0-9.-]{1,253}|\\[[0-9A-Fa-f:.]{2,45}])(:\\d{1,5})?$");

    private final String publicOrigin;
    private final int httpsPort;

    /**
     * @param publicUrl {@code server.public_url} (its scheme and authority are the target's), or blank
     * @param httpsPort the bound https port, for targets made from the request's host
     */
    HttpsRedirect(String publicUrl, int httpsPort) {
        this.publicOrigin = publicUrl.isBlank() ? null : origin(URI.create(publicUrl));
        this.httpsPort = httpsPort;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
        if (msg instanceof HttpRequest req) {
            var written = HttpServerHandler.writeFull(ctx, false, answer(req));
            if (!req.decoderResult().isSuccess()) written.addListener(ChannelFutureListener.CLOSE); // no body will follow
        }
        if (msg instanceof LastHttpContent) ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) { // a read timeout, or a reset: nothing to say
        ctx.close();
    }

    private HttpResponse answer(HttpRequest req) {
        if (!req.decoderResult().isSuccess()) return HttpResponse.error(ErrorCode.MALFORMED, "malformed HTTP request", null);
        String origin = publicOrigin != null ? publicOrigin : originOf(req.headers().get(HttpHeaderNames.HOST));
        if (origin == null) {
            return HttpResponse.error(ErrorCode.MALFORMED, "this port only redirects to https, and needs a Host header to say where", null);
        }
        String uri = req.uri().startsWith("/") ? req.uri() : "/"; // origin-form only: no absolute or authority forms
        boolean safe = req.method().equals(HttpMethod.GET) || req.method().equals(HttpMethod.HEAD);
        return new HttpResponse(safe ? 301 : 308, null, new byte[0], Map.of("Location", origin + uri));
    }

    /** {@return https://host[:port] for the Host header, with the https port, or null if it is not a host} */
    private String originOf(String host) {
        if (host == null || !HOST.matcher(host).matches()) return null;
        String name = host.startsWith("[") ? host.substring(0, host.indexOf(']') + 1)
                : host.contains(":") ? host.substring(0, host.indexOf(':')) : host;
        return "https://" + name + (httpsPort == 443 ? "" : ":" + httpsPort);
    }

    private static String origin(URI publicUrl) {
        return "https://" + publicUrl.getRawAuthority();
    }
}
