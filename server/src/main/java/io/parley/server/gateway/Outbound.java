package io.parley.server.gateway;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.util.internal.PlatformDependent;
import io.parley.core.protocol.CloseCode;

import java.util.ArrayList;
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
    /** What the loop's queue holds: a frame for one connection, one shared frame for many, or a close. */
    private sealed interface Item {}

    private record One(Connection connection, ByteBuf frame, FramePriority priority) implements Item {}

    /** One frame for many connections of this loop; the item owns one reference to {@code frame}. */
    private record FanOut(List<Connection> connections, ByteBuf frame, FramePriority priority) implements Item {}

    /** The connection's close, written after what was queued before it. */
    private record Close(Connection connection, CloseCode code) implements Item {}

    private static final Map<EventLoop, Outbound> BY_LOOP = new ConcurrentHashMap<>();

    private final EventLoop loop;
    private final Queue<Item> queue = PlatformDependent.newMpscQueue();
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private final Runnable drain = this::drain;
    private long pass; // confined to the loop
    private final List<Connection> touched = new ArrayList<>();

    private Outbound(EventLoop loop) {
        this.loop = loop;
    }

    /** {@return the write path of an event loop} */
    static Outbound of(EventLoop loop) {
        return BY_LOOP.computeIfAbsent(loop, Outbound::new);
    }

    /** Queues a frame (the caller hands over one reference). Call {@link #schedule()} after queueing. */
    void enqueue(Connection c, ByteBuf frame, FramePriority priority) {
        queue.add(new One(c, frame, priority));
    }

    /** Queues one frame for many of this loop's connections (the caller hands over one reference). Schedules the write. */
    void enqueueFanOut(List<Connection> connections, ByteBuf frame, FramePriority priority) {
        queue.add(new FanOut(connections, frame, priority));
        schedule();
    }

    /** Queues a close frame behind the connection's queued frames, and schedules the write. */
    void enqueueClose(Connection c, CloseCode code) {
        queue.add(new Close(c, code));
        schedule();
    }

    /** Makes sure a drain task is on its way. */
    void schedule() {
        if (scheduled.compareAndSet(false, true)) loop.execute(drain);
    }

    private void drain() {
        scheduled.set(false);
        long p = ++pass;
        for (Item item; (item = queue.poll()) != null; ) {
            switch (item) {
                case One one -> write(one.connection(), one.frame(), one.priority(), p);
                case FanOut fan -> {
                    ByteBuf shared = fan.frame();
                    List<Connection> conns = fan.connections();
                    // Each duplicate shares the frame's reference count: one retain for all, one release per write.
                    shared.retain(conns.size());
                    for (Connection c : conns) write(c, shared.duplicate(), fan.priority(), p);
                    shared.release();
                }
                case Close close -> {
                    Connection c = close.connection();
                    if (c.channel().isActive()) {
                        // The socket closes when the client answers (WebSocketHandler) or at the handshake timeout.
                        c.channel().writeAndFlush(new CloseWebSocketFrame(close.code().code(), close.code().reason()))
                                .addListener(f -> { if (!f.isSuccess()) c.channel().close(); });
                    }
                }
            }
        }
        for (Connection c : touched) c.channel().flush();
        touched.clear();
    }

    private void write(Connection c, ByteBuf frame, FramePriority priority, long p) {
        if (!c.channel().isActive()) {
            frame.release();
            return;
        }
        int inPass = c.writesInPass(p);
        ChannelOutboundBuffer buffer = c.channel().unsafe().outboundBuffer();
        int backlog = inPass + (buffer == null ? 0 : buffer.size());
        int max = c.sendQueueMax();
        if (priority.dropAt(backlog, max)) {
            frame.release();
            c.dropped();
            return;
        }
        if (backlog >= max) { // an essential frame with no room: shed the client, it will resync
            frame.release();
            if (c.isOpen()) c.close(CloseCode.TOO_SLOW);
            return;
        }
        c.wire().write(frame, c.channel().voidPromise()); // a complete WireFrame: below the encoder
        if (inPass == 0) touched.add(c);
        c.wroteInPass(p);
    }
}
