package io.parley.server.gateway;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.util.internal.PlatformDependent;
import io.parley.core.protocol.CloseCode;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The write path of one event loop: frames for its connections are queued from any thread and
 * written by one task on the loop, which then flushes each touched connection once.
 *
 * <p>Why: fanning one event out to a thousand members would otherwise post a thousand tasks to the
 * loop and make a thousand {@code write(2)} calls per event. Here a fan-out posts at most one task
 * per loop, and when events arrive faster than the loop drains, consecutive frames for a connection
 * share one flush. Order per connection is the queue's order, so an ack never overtakes the frames
 * queued before it.
 *
 * <p>Backpressure is decided on the loop, where the channel's outbound buffer can be read: a
 * connection's backlog is its flushed-but-unwritten frames plus those written in this pass. Frames
 * whose priority drops at that backlog are released unsent; an essential frame past the limit sheds
 * the client with {@link CloseCode#TOO_SLOW}.
 */
final class Outbound {
    /** A frame to write, or (frame null) the connection's close, written after what was queued before it. */
    private record Delivery(Connection connection, ByteBuf frame, FramePriority priority, CloseCode close) {}

    private static final Map<EventLoop, Outbound> BY_LOOP = new ConcurrentHashMap<>();

    private final EventLoop loop;
    private final Queue<Delivery> queue = PlatformDependent.newMpscQueue();
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private final Runnable drain = this::drain;

    private Outbound(EventLoop loop) {
        this.loop = loop;
    }

    /** {@return the write path of an event loop} */
    static Outbound of(EventLoop loop) {
        return BY_LOOP.computeIfAbsent(loop, Outbound::new);
    }

    /** Queues a frame (the caller hands over one reference). Call {@link #schedule()} after queueing. */
    void enqueue(Connection c, ByteBuf frame, FramePriority priority) {
        queue.add(new Delivery(c, frame, priority, null));
    }

    /** Queues a close frame behind the connection's queued frames, and schedules the write. */
    void enqueueClose(Connection c, CloseCode code) {
        queue.add(new Delivery(c, null, null, code));
        schedule();
    }

    /** Makes sure a drain task is on its way. */
    void schedule() {
        if (scheduled.compareAndSet(false, true)) loop.execute(drain);
    }

    private void drain() {
        scheduled.set(false);
        Map<Connection, Integer> written = new IdentityHashMap<>();
        List<Connection> touched = new ArrayList<>();
        for (Delivery d; (d = queue.poll()) != null; ) {
            Connection c = d.connection();
            if (d.close() != null) {
                if (c.channel().isActive()) {
                    // The socket closes when the client answers (WebSocketHandler) or at the handshake timeout.
                    c.channel().writeAndFlush(new CloseWebSocketFrame(d.close().code(), d.close().reason()))
                            .addListener(f -> { if (!f.isSuccess()) c.channel().close(); });
                }
                continue;
            }
            if (!c.channel().isActive()) {
                d.frame().release();
                continue;
            }
            int inPass = written.getOrDefault(c, 0);
            ChannelOutboundBuffer buffer = c.channel().unsafe().outboundBuffer();
            int backlog = inPass + (buffer == null ? 0 : buffer.size());
            int max = c.sendQueueMax();
            if (d.priority().dropAt(backlog, max)) {
                d.frame().release();
                c.dropped();
                continue;
            }
            if (backlog >= max) { // an essential frame with no room: shed the client, it will resync
                d.frame().release();
                if (c.isOpen()) c.close(CloseCode.TOO_SLOW);
                continue;
            }
            c.wire().write(d.frame(), c.channel().voidPromise()); // a complete WireFrame: below the encoder
            if (inPass == 0) touched.add(c);
            written.put(c, inPass + 1);
        }
        for (Connection c : touched) c.channel().flush();
    }
}
