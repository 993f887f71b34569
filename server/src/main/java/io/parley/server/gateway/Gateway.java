package io.parley.server.gateway;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.timeout.ReadTimeoutHandler;
import io.parley.core.auth.AuthService;
import io.parley.core.protocol.CloseCode;
import io.parley.core.realtime.PresenceService;
import io.parley.core.realtime.TypingService;
import io.parley.server.app.Services;
import io.parley.server.http.Router;
import io.parley.server.tls.ServerTls;
import io.parley.server.http.TrustedProxies;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The network edge: one Netty server for HTTP and WebSocket on one port. The pipeline reads top to
 * bottom: TLS when it is on ({@link ServerTls}: each connection's handler made from the context served when it
 * connects), HTTP codec, HSTS when TLS is on ({@link HstsHeader}), streaming requests (uploads leave the pipeline
 * here, their bodies streamed to their handler), aggregator (bounded request size), then the request handler,
 * which upgrades {@code /ws} and routes the rest. Write coalescing for WebSockets is {@link Outbound}'s
 * job (one flush per connection per pass). With TLS, an optional second port answers plain HTTP with redirects
 * to https and nothing else ({@link HttpsRedirect}). Uses epoll where available.
 */
public final class Gateway implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Gateway.class);
    /** Largest HTTP request body accepted, except by streaming routes (uploads), which are not buffered. */
    public static final int MAX_REQUEST_BYTES = 1 << 20;

    private final Hub hub;
    private final GatewayConfig config;
    private final Router router;
    private final WebSocketUpgrade upgrade;
    private final Sweeper sweeper;
    private final ServerTls tls;
    private final HstsHeader hsts;
    private final TrustedProxies proxies;
    private final ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor();
    private EventLoopGroup boss;
    private EventLoopGroup io;
    private Channel serverChannel;
    private Channel redirectChannel;
    private Class<? extends ServerSocketChannel> channelType;

    /**
     * @param tls the TLS every connection starts with, or null for plain HTTP
     * @param proxies the load balancers whose {@code X-Forwarded-For} names the client
     */
    public Gateway(GatewayConfig config, Router router, LocalDelivery delivery, Services services, GatewayMetrics metrics,
                   TypingService typing, PresenceService presence, ServerTls tls, TrustedProxies proxies) {
        AuthService auth = services.auth();
        this.config = config;
        this.tls = tls;
        this.hsts = tls == null ? null : new HstsHeader(tls.settings().hstsHeader());
        this.proxies = proxies;
        this.router = router;
        this.hub = delivery.hub();
        FrameDispatcher dispatcher = new FrameDispatcher(services.messages(), auth, services.search(), metrics, typing, presence,
                hub.presenceWatchers());
        this.upgrade = new WebSocketUpgrade(auth, hub, dispatcher, metrics, config);
        this.sweeper = new Sweeper(hub, delivery::catchUp, auth, config);
    }

    /** Binds and starts serving; {@return the bound address (port 0 picks a free one)} */
    public InetSocketAddress start(String host, int port) throws InterruptedException {
        boolean epoll = Epoll.isAvailable();
        boss = new MultiThreadIoEventLoopGroup(1, epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        io = new MultiThreadIoEventLoopGroup(0, epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        channelType = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
        ServerBootstrap b = new ServerBootstrap()
                .group(boss, io)
                .channel(channelType)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .option(ChannelOption.SO_REUSEADDR, true) // a restarted node binds its port at once, whatever TIME_WAIT holds
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(256 * 1024, 1024 * 1024))
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (tls != null) ch.pipeline().addLast("tls", tls.newHandler(ch.alloc()));
                        ch.pipeline().addLast("http", new HttpServerCodec(8192, 16384, 8192));
                        if (hsts != null) ch.pipeline().addLast("hsts", hsts);
                        ch.pipeline()
                                .addLast("csp", ApiContentSecurityPolicy.INSTANCE)
                                .addLast("streaming", new StreamingRequests(router, workers, proxies))
                                .addLast("aggregator", new HttpObjectAggregator(MAX_REQUEST_BYTES))
                                .addLast("request", new HttpServerHandler(router, upgrade, workers, proxies));
                    }
                });
        serverChannel = b.bind(host, port).sync().channel();
        sweeper.start();
        InetSocketAddress bound = (InetSocketAddress) serverChannel.localAddress();
        log.info("gateway listening on {}:{} ({}{})", bound.getHostString(), bound.getPort(), epoll ? "epoll" : "nio",
                tls == null ? "" : ", TLS");
        return bound;
    }

    /**
     * Binds the plain-HTTP port that only redirects to https (after {@link #start}); {@return its bound address}
     *
     * @param httpsPort the port {@link #start} bound, for redirect targets made from the request's host
     * @param publicUrl server.public_url (the redirects' origin when set), or blank
     */
    public InetSocketAddress startRedirect(String host, int port, int httpsPort, String publicUrl) throws InterruptedException {
        HttpsRedirect redirect = new HttpsRedirect(publicUrl, httpsPort);
        redirectChannel = new ServerBootstrap()
                .group(boss, io)
                .channel(channelType)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline()
                                .addLast("timeout", new ReadTimeoutHandler(10)) // a request (and body) or the door
                                .addLast("http", new HttpServerCodec(8192, 16384, 8192))
                                .addLast("redirect", redirect);
                    }
                })
                .bind(host, port).sync().channel();
        InetSocketAddress bound = (InetSocketAddress) redirectChannel.localAddress();
        log.info("redirecting plain HTTP on {}:{} to https", bound.getHostString(), bound.getPort());
        return bound;
    }

    /** Stops accepting new connections; existing ones stay until {@link #close()}. */
    public void stopAccepting() {
        if (redirectChannel != null) redirectChannel.close().syncUninterruptibly();
        if (serverChannel != null) serverChannel.close().syncUninterruptibly();
    }

    /** Tells every client to reconnect elsewhere, then stops the event loops. */
    @Override
    public void close() {
        stopAccepting();
        sweeper.close();
        // Wait (bounded) for the closing handshakes, so every client reads its 4000 before the event loops stop.
        List<ChannelFuture> closed = hub.all().stream().map(c -> c.channel().closeFuture()).toList();
        hub.closeAll(CloseCode.GOING_AWAY);
        long deadline = System.nanoTime() + Connection.CLOSE_HANDSHAKE_TIMEOUT.toNanos() + 500_000_000L;
        for (ChannelFuture f : closed) {
            long left = deadline - System.nanoTime();
            if (left <= 0 || !f.awaitUninterruptibly(left, TimeUnit.NANOSECONDS)) break;
        }
        if (io != null) {
            io.shutdownGracefully(100, 2000, TimeUnit.MILLISECONDS).syncUninterruptibly();
            boss.shutdownGracefully(0, 500, TimeUnit.MILLISECONDS).syncUninterruptibly();
        }
        workers.shutdown();
    }

    /** {@return the gateway's limits} */
    public GatewayConfig config() { return config; }

}
