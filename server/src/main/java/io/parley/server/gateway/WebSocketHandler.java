package io.parley.server.gateway;

import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.parley.core.error.ErrorCode;
import io.parley.core.protocol.ClientFrame;
import io.parley.core.protocol.CloseCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The last handler of an upgraded connection: control frames are answered here on the event loop;
 * text frames are copied off the loop and handled in order on the connection's own virtual thread.
 * When a client floods faster than its frames are handled, reading pauses (TCP pushes back).
 */
final class WebSocketHandler extends SimpleChannelInboundHandler<WebSocketFrame> {
    private static final Logger log = LoggerFactory.getLogger(WebSocketHandler.class);
    private static final int PAUSE_READING_AT = 1000;
    private static final int RESUME_READING_AT = 100;

    private final Connection connection;
    private final Hub hub;
    private final FrameDispatcher dispatcher;
    private final GatewayMetrics metrics;
    private final int maxFrameBytes;
    private final ExecutorService serial;
    private final AtomicInteger queued = new AtomicInteger();

    WebSocketHandler(Connection connection, Hub hub, FrameDispatcher dispatcher, GatewayMetrics metrics, int maxFrameBytes) {
        this.connection = connection;
        this.hub = hub;
        this.dispatcher = dispatcher;
        this.metrics = metrics;
        this.maxFrameBytes = maxFrameBytes;
        this.serial = Executors.newSingleThreadExecutor(Thread.ofVirtual().name("ws-conn").factory());
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
        switch (frame) {
            case PingWebSocketFrame ping -> {
                connection.touchReceived(false);
                ctx.writeAndFlush(new PongWebSocketFrame(ping.content().retain()));
            }
            case PongWebSocketFrame pong -> connection.touchReceived(false);
            case CloseWebSocketFrame close -> {
                if (connection.closing()) ctx.close(); // the client's answer to our Close: the handshake is done
                else ctx.writeAndFlush(close.retainedDuplicate()).addListener(f -> ctx.close());
            }
            case BinaryWebSocketFrame bin -> {
                connection.touchReceived(true);
                dispatcher.sendError(connection, ErrorCode.INVALID, "binary frames are not supported; send JSON text frames", null, null);
            }
            case TextWebSocketFrame text -> onText(ctx, text);
            default -> { }
        }
    }

    private void onText(ChannelHandlerContext ctx, TextWebSocketFrame text) {
        if (connection.closing()) return; // sent after our Close: it could not be answered, so it is not run
        connection.touchReceived(true);
        if (text.content().readableBytes() > maxFrameBytes) {
            dispatcher.sendError(connection, ErrorCode.FRAME_TOO_LARGE, "frame exceeds " + maxFrameBytes + " bytes", null, null);
            connection.close(CloseCode.FRAME_TOO_LARGE);
            return;
        }
        byte[] bytes = ByteBufUtil.getBytes(text.content());
        if (queued.incrementAndGet() >= PAUSE_READING_AT) ctx.channel().config().setAutoRead(false);
        try {
            serial.execute(() -> {
                try {
                    handle(bytes);
                } finally {
                    if (queued.decrementAndGet() <= RESUME_READING_AT && !ctx.channel().config().isAutoRead()) {
                        ctx.channel().config().setAutoRead(true);
                    }
                }
            });
        } catch (RejectedExecutionException e) {
            queued.decrementAndGet(); // closing
        }
    }

    private void handle(byte[] bytes) {
        FrameDecoder.Result r = FrameDecoder.decode(bytes);
        if (r.rejected() != null) {
            metrics.frameIn("invalid");
            dispatcher.sendError(connection, r.rejected().code(), r.rejected().message(), r.rejected().refId(), null);
            return;
        }
        metrics.frameIn(r.frame().getClass().getSimpleName());
        if (!(r.frame() instanceof ClientFrame.Ping)) hub.active(connection); // a heartbeat is not user activity
        dispatcher.dispatch(connection, r.frame());
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        hub.unregister(connection);
        serial.shutdown();
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("websocket error, closing", cause);
        ctx.close();
    }
}
