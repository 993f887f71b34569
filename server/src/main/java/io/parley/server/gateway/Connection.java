package io.parley.server.gateway;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.websocketx.WebSocketFrameEncoder;
import io.parley.core.auth.Principal;
import io.parley.core.protocol.CloseCode;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One client's WebSocket: who it is, its liveness clocks, and its outbound path.
 *
 * <p>Outbound frames are queued from any thread onto the event loop's {@link Outbound}, which
 * writes them in order, applies the backpressure rules and flushes once per pass.
 */
final class Connection {
    /** How long a closed connection waits for the client's Close frame before cutting the socket. */
    static final Duration CLOSE_HANDSHAKE_TIMEOUT = Duration.ofSeconds(2);

    private final Channel channel;
    private final UUID connectionId = UUID.randomUUID();
    private final Instant openedAt = Instant.now();
    private final int sendQueueMax;
    private final Outbound outbound;
    private ChannelHandlerContext wire; // set on the event loop, read on it
    private final AtomicInteger dropped = new AtomicInteger();
    private final AtomicBoolean closing = new AtomicBoolean();
    private volatile Principal principal;
    private volatile long lastReceivedNanos = System.nanoTime();
    private volatile long lastActivityNanos = System.nanoTime();
    private volatile boolean refreshAnnounced;
    private volatile UUID focusedChat;

    Connection(Channel channel, Principal principal, int sendQueueMax) {
        this.channel = channel;
        this.principal = principal;
        this.sendQueueMax = sendQueueMax;
        this.outbound = Outbound.of(channel.eventLoop());
    }

    UUID id() { return connectionId; }
    Instant openedAt() { return openedAt; }
    Principal principal() { return principal; }
    UUID userId() { return principal.userId(); }
    Channel channel() { return channel; }
    boolean isOpen() { return channel.isActive() && !closing.get(); }

    /** Swaps in renewed credentials (auth.refresh). */
    void renew(Principal renewed) {
        this.principal = renewed;
        this.refreshAnnounced = false;
    }

    boolean refreshAnnounced() { return refreshAnnounced; }
    void markRefreshAnnounced() { refreshAnnounced = true; }

    void touchReceived(boolean application) {
        long now = System.nanoTime();
        lastReceivedNanos = now;
        if (application) lastActivityNanos = now;
    }

    long nanosSinceReceived(long now) { return now - lastReceivedNanos; }
    long nanosSinceActivity(long now) { return now - lastActivityNanos; }

    int sendQueueMax() { return sendQueueMax; }

    /** Counts a frame dropped under backpressure. */
    void dropped() { dropped.incrementAndGet(); }

    /** {@return how many ephemeral frames were dropped because this client fell behind} */
    int droppedCount() { return dropped.get(); }

    /** Sends an essential frame now (ack, error, a reply). {@return false if the connection is closing} */
    boolean send(byte[] frame) {
        if (!queue(WireFrame.text(frame), FramePriority.ESSENTIAL)) return false;
        outbound.schedule();
        return true;
    }

    /** Sends a frame of a droppable class (toasts); {@return false if the connection is closing} */
    boolean send(byte[] frame, FramePriority priority) {
        if (!queue(WireFrame.text(frame), priority)) return false;
        outbound.schedule();
        return true;
    }

    /** Sets the chat this connection shows in front ({@code chat.focus}; null for none): it raises no toast. */
    void focus(UUID chatId) { focusedChat = chatId; }

    /** {@return the focused chat, or null} */
    UUID focusedChat() { return focusedChat; }

    /** Notes application traffic out (the idle timeout counts both ways). */
    void touchSent() { lastActivityNanos = System.nanoTime(); }

    // Per-pass write counting for Outbound, confined to the event loop.
    private long pass;
    private int passWrites;

    int writesInPass(long p) { return pass == p ? passWrites : 0; }

    void wroteInPass(long p) {
        if (pass != p) {
            pass = p;
            passWrites = 0;
        }
        passWrites++;
    }

    /**
     * {@return the pipeline context that writes bytes straight to the socket, below the WebSocket
     * encoder: {@link WireFrame}s are complete frames already}
     */
    ChannelHandlerContext wire() {
        ChannelHandlerContext ctx = wire;
        if (ctx == null) {
            ctx = channel.pipeline().context(WebSocketFrameEncoder.class);
            wire = ctx;
        }
        return ctx;
    }

    /** {@return the write path this connection's frames go through} */
    Outbound outbound() { return outbound; }

    private boolean queue(ByteBuf buf, FramePriority priority) {
        if (!isOpen()) {
            buf.release();
            return false;
        }
        lastActivityNanos = System.nanoTime();
        outbound.enqueue(this, buf, priority);
        return true;
    }

    /**
     * Closes with a documented code; idempotent. This starts the closing handshake (RFC 6455 §7.1.2): the Close
     * frame is written after the frames already queued, and the socket is closed when the client answers with its
     * own Close ({@link WebSocketHandler}) or after {@link #CLOSE_HANDSHAKE_TIMEOUT}. Closing the socket right after writing the frame loses the code:
     * a client still sending (pipelined frames the server has not read yet) makes the kernel answer with a reset,
     * and the client sees an abnormal closure (1006) instead of the code that tells it what to do.
     */
    void close(CloseCode code) {
        if (!closing.compareAndSet(false, true)) return;
        outbound.enqueueClose(this, code);
        // Counted from now, not from the write: a client that reads nothing (too slow) is cut all the same.
        channel.eventLoop().schedule(() -> { channel.close(); }, CLOSE_HANDSHAKE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** {@return whether this side has sent its Close frame} */
    boolean closing() { return closing.get(); }
}
