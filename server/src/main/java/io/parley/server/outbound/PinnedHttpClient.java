package io.parley.server.outbound;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.timeout.ReadTimeoutException;
import io.netty.handler.timeout.ReadTimeoutHandler;
import io.netty.util.concurrent.DefaultThreadFactory;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A small HTTP/1.1 client on Netty that connects only to a {@link Destination}'s checked addresses: it never looks a
 * host up (see {@link OutboundPolicy} for why the JDK's client cannot be used). One connection per request
 * ({@code Connection: close}), so there is no pool to leak a connection made under another check.
 *
 * <p>Per request: connect to the first address (the next one if that connect fails) within
 * {@code outbound.connect_timeout}; for {@code https}, a TLS handshake (1.3 or 1.2) in the same time, sending the
 * URL's host as SNI and checking the certificate against it ({@code HTTPS} endpoint identification, the JDK's trust
 * store); write the request; read the answer with at most {@code outbound.read_timeout} of silence, its body at most
 * {@code outbound.max_response_bytes}, status line and headers at most 4 KiB and 8 KiB; all of it within
 * {@code outbound.request_timeout}. No compression is asked for, and redirects are answers like any other.
 */
final class PinnedHttpClient implements AutoCloseable {
    private static final int MAX_INITIAL_LINE = 4096;
    private static final int MAX_HEADERS = 8192;
    private static final int MAX_CHUNK = 8192;

    private final OutboundSettings settings;
    private final EventLoopGroup group;
    private final SslContext tls;

    /** @param trust the certificates to trust, or null for the JDK's */
    PinnedHttpClient(OutboundSettings settings, TrustManagerFactory trust) {
        this.settings = settings;
        // One event loop thread is plenty: it only moves bytes; callers wait on their own (virtual) threads.
        this.group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("parley-outbound", true), NioIoHandler.newFactory());
        try {
            this.tls = SslContextBuilder.forClient().sslProvider(SslProvider.JDK).trustManager(trust)
                    .protocols("TLSv1.3", "TLSv1.2").endpointIdentificationAlgorithm("HTTPS").build();
        } catch (SSLException e) {
            throw new IllegalStateException("cannot set up TLS for outbound connections", e);
        }
    }

    /** {@return the answer to {@code request} from {@code to}} (see the class comment) */
    OutboundResponse exchange(Destination to, OutboundRequest request) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + settings.requestTimeout().toNanos();
        ConnectException failed = null;
        for (InetAddress address : to.addresses()) {
            try {
                return exchange(new InetSocketAddress(address, to.port()), to, request, deadline);
            } catch (ConnectException e) {
                failed = e; // the next address, if there is one
            }
        }
        throw failed;
    }

    private OutboundResponse exchange(InetSocketAddress address, Destination to, OutboundRequest request, long deadline)
            throws IOException, InterruptedException {
        long left = deadline - System.nanoTime();
        if (left <= 0) throw new SocketTimeoutException("no answer within " + settings.requestTimeout());
        CompletableFuture<OutboundResponse> answer = new CompletableFuture<>();
        Bootstrap b = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(settings.connectTimeout().toMillis(),
                        Math.max(1, TimeUnit.NANOSECONDS.toMillis(left))))
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (to.secure()) {
                            SslHandler tls = tlsHandler(ch, to);
                            // A failed handshake fails the request with its own cause, not the closed channel's.
                            tls.handshakeFuture().addListener(h -> {
                                if (!h.isSuccess()) answer.completeExceptionally(h.cause());
                            });
                            ch.pipeline().addLast(tls);
                        }
                        ch.pipeline().addLast(new ReadTimeoutHandler(settings.readTimeout().toMillis(), TimeUnit.MILLISECONDS));
                        ch.pipeline().addLast(new HttpClientCodec(MAX_INITIAL_LINE, MAX_HEADERS, MAX_CHUNK));
                        ch.pipeline().addLast(new AnswerReader(answer, settings.maxResponseBytes()));
                    }
                });
        // The checked address, as an InetSocketAddress that holds an address: nothing is looked up here.
        ChannelFuture connect = b.connect(address);
        Channel channel = connect.channel();
        connect.addListener(f -> {
            if (!f.isSuccess()) {
                answer.completeExceptionally(f.cause());
                return;
            }
            channel.writeAndFlush(httpRequest(to, request)).addListener(w -> {
                if (!w.isSuccess()) answer.completeExceptionally(w.cause());
            });
        });
        try {
            return answer.get(left, TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw new SocketTimeoutException("no complete answer within " + settings.requestTimeout());
        } catch (ExecutionException e) {
            throw ioException(e.getCause());
        } finally {
            channel.close();
        }
    }

    private SslHandler tlsHandler(SocketChannel ch, Destination to) {
        SslHandler handler = tls.newHandler(ch.alloc(), to.host(), to.port());
        SSLEngine engine = handler.engine();
        SSLParameters p = engine.getSSLParameters();
        p.setEndpointIdentificationAlgorithm("HTTPS"); // the certificate must name to.host()
        if (OutboundPolicy.literal(to.host()).isEmpty()) p.setServerNames(List.of(new SNIHostName(to.host())));
        engine.setSSLParameters(p);
        handler.setHandshakeTimeoutMillis(settings.connectTimeout().toMillis());
        return handler;
    }

    private static FullHttpRequest httpRequest(Destination to, OutboundRequest r) {
        URI url = r.url();
        String target = (url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath())
                + (url.getRawQuery() == null ? "" : "?" + url.getRawQuery());
        FullHttpRequest req = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.valueOf(r.method()), target,
                Unpooled.wrappedBuffer(r.body()));
        r.headers().forEach((name, value) -> req.headers().set(name, value)); // Netty refuses CR and LF in either
        req.headers().set(HttpHeaderNames.HOST, to.hostHeader());
        req.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        req.headers().remove(HttpHeaderNames.TRANSFER_ENCODING);
        if (!req.headers().contains(HttpHeaderNames.USER_AGENT)) req.headers().set(HttpHeaderNames.USER_AGENT, "Parley");
        if (r.body().length > 0 || !r.method().equals("GET")) HttpUtil.setContentLength(req, r.body().length);
        return req;
    }

    private static IOException ioException(Throwable cause) {
        return switch (cause) {
            case IOException io -> io; // ConnectException (next address), SSLException, ResponseTooLargeException, …
            case DecoderException d when d.getCause() instanceof IOException io -> io; // a failed TLS handshake
            case ReadTimeoutException t -> new SocketTimeoutException("no data for the read timeout");
            default -> new IOException("outbound request failed: " + cause, cause);
        };
    }

    @Override
    public void close() {
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS);
    }

    /** Gathers one answer: status, headers, a body no larger than the limit; anything else fails it. */
    private static final class AnswerReader extends SimpleChannelInboundHandler<HttpObject> {
        private final CompletableFuture<OutboundResponse> answer;
        private final long maxBytes;
        private final ByteArrayOutputStream body = new ByteArrayOutputStream();
        private int status;
        private Map<String, List<String>> headers;

        AnswerReader(CompletableFuture<OutboundResponse> answer, long maxBytes) {
            this.answer = answer;
            this.maxBytes = maxBytes;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
            if (answer.isDone()) return;
            if (msg.decoderResult().isFailure()) {
                fail(ctx, new IOException("a malformed answer: " + msg.decoderResult().cause().getMessage()));
                return;
            }
            if (msg instanceof HttpResponse r) {
                status = r.status().code();
                headers = new LinkedHashMap<>();
                r.headers().forEach(h -> headers.computeIfAbsent(h.getKey().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                        .add(h.getValue()));
                if (HttpUtil.getContentLength(r, -1L) > maxBytes) {
                    fail(ctx, new ResponseTooLargeException(maxBytes));
                    return;
                }
            }
            if (msg instanceof HttpContent c) {
                int n = c.content().readableBytes();
                if (body.size() + (long) n > maxBytes) {
                    fail(ctx, new ResponseTooLargeException(maxBytes));
                    return;
                }
                body.writeBytes(ByteBufUtil.getBytes(c.content()));
            }
            if (msg instanceof LastHttpContent) {
                answer.complete(new OutboundResponse(status, headers, body.toByteArray()));
                ctx.close();
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            fail(ctx, new IOException("the connection closed before the answer was complete"));
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            fail(ctx, cause);
        }

        private void fail(ChannelHandlerContext ctx, Throwable cause) {
            answer.completeExceptionally(cause);
            ctx.close();
        }
    }
}
