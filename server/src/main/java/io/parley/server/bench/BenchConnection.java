package io.parley.server.bench;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;

import java.util.BitSet;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One user's WebSocket: reads frames on its event loop, tracks per-chat delivery (seen seqs, last
 * seq) and, when the user sends, its own in-flight window.
 */
final class BenchConnection extends SimpleChannelInboundHandler<WebSocketFrame> {
    /** Delivery tracking of one chat on this connection; guarded by the connection. */
    static final class Track {
        final String chatId;
        final byte[] chatIdBytes;
        final BitSet seen = new BitSet();
        long lastSeq = -1;

        Track(String chatId) {
            this.chatId = chatId;
            this.chatIdBytes = Payload.ascii(chatId);
        }
    }

    /** What this connection sends, if it is a sender. */
    static final class Sender {
        final int index;
        final String chatId;
        final AtomicInteger seq = new AtomicInteger();
        final AtomicInteger inFlight = new AtomicInteger();

        Sender(int index, String chatId) {
            this.index = index;
            this.chatId = chatId;
        }
    }

    final int userIndex;
    /** The pod node this connection goes to (0 with a single server). */
    int node;
    final Track[] tracks;
    final Stats stats;
    final CompletableFuture<Void> hello = new CompletableFuture<>();
    volatile Channel channel;
    volatile boolean closed;
    /** Set when the run is closed-loop: each ack sends the next message while this is true. */
    volatile boolean refill;
    Sender sender;
    int size;
    int window;

    BenchConnection(int userIndex, List<String> chatIds, Stats stats) {
        this.userIndex = userIndex;
        this.tracks = chatIds.stream().map(Track::new).toArray(Track[]::new);
        this.stats = stats;
    }

    /** Sends one message if the window allows; callable from any thread. {@return whether it was sent} */
    boolean trySend() {
        Sender s = sender;
        Channel ch = channel;
        if (s == null || ch == null || closed) return false;
        if (s.inFlight.incrementAndGet() > window) {
            s.inFlight.decrementAndGet();
            return false;
        }
        long now = System.nanoTime();
        byte[] frame = Payload.sendFrame(s.chatId, now, s.index, s.seq.incrementAndGet(), size);
        stats.sent.increment();
        if (stats.inWindow(now)) stats.sentInWindow.increment();
        ch.writeAndFlush(new TextWebSocketFrame(Unpooled.wrappedBuffer(frame)), ch.voidPromise());
        return true;
    }

    /** Sends a client frame {@code {type, id, payload}} with the given payload JSON object text. */
    void sendFrame(String type, String payloadJson) {
        Channel ch = channel;
        if (ch == null || closed) return;
        String f = "{\"type\":\"" + type + "\",\"id\":\"" + UUID.randomUUID() + "\",\"payload\":" + payloadJson + "}";
        ch.writeAndFlush(new TextWebSocketFrame(f), ch.voidPromise());
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        channel = ctx.channel();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        if (!closed) {
            closed = true;
            stats.close("disconnected");
        }
        hello.completeExceptionally(new IllegalStateException("closed before hello"));
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        stats.close("exception: " + cause.getClass().getSimpleName());
        hello.completeExceptionally(cause);
        ctx.close();
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
        if (frame instanceof TextWebSocketFrame text) {
            onText(ByteBufUtil.getBytes(text.content()));
        } else if (frame instanceof CloseWebSocketFrame close) {
            closed = true;
            stats.close("close " + close.statusCode());
            ctx.close();
        }
    }

    private void onText(byte[] b) {
        long now = System.nanoTime();
        int t = Payload.TYPE.length;
        if (!Payload.startsWithAt(b, 0, Payload.TYPE)) {
            stats.error("unparseable");
            return;
        }
        if (Payload.startsWithAt(b, t, Payload.MESSAGE_NEW)) {
            onMessageNew(b, now);
        } else if (Payload.startsWithAt(b, t, Payload.ACK)) {
            onAck(b, now);
        } else if (Payload.startsWithAt(b, t, Payload.ERROR)) {
            onError(b);
        } else if (Payload.startsWithAt(b, t, Payload.TYPING)) {
            stats.typingReceived.increment();
        } else if (Payload.startsWithAt(b, t, Payload.PRESENCE)) {
            stats.presenceReceived.increment();
        } else if (Payload.startsWithAt(b, t, Payload.HELLO)) {
            hello.complete(null);
        }
    }

    private void onMessageNew(byte[] b, long now) {
        int at = Payload.after(b, Payload.PAYLOAD_CHAT, 0);
        if (at < 0) return;
        Track track = null;
        for (Track tr : tracks) {
            if (Payload.startsWithAt(b, at, tr.chatIdBytes)) {
                track = tr;
                break;
            }
        }
        if (track == null) return; // a chat this run does not watch
        int s = Payload.after(b, Payload.SEQ, at + 36);
        long seq = s < 0 ? -1 : Payload.parseLong(b, s);
        if (seq < 0) {
            stats.error("message.new without seq");
            return;
        }
        boolean dup;
        synchronized (this) {
            dup = track.seen.get((int) seq);
            if (dup) {
                stats.duplicated.increment();
            } else {
                track.seen.set((int) seq);
                if (seq < track.lastSeq) stats.outOfOrder.increment();
                else track.lastSeq = seq;
            }
        }
        if (dup) return;
        stats.delivered.increment();
        if (stats.inWindow(now)) stats.deliveredInWindow.increment();
        int c = Payload.after(b, Payload.CONTENT, s);
        if (c >= 0 && c + 16 <= b.length) {
            long sentAt = Payload.parseHex(b, c, 16);
            if (sentAt != Long.MIN_VALUE && stats.inWindow(sentAt)) {
                stats.deliverLatency.recordValue(Math.max(0, (now - sentAt) / 1000));
                int[] senderNode = stats.senderNode;
                if (senderNode != null && c + 25 <= b.length) {
                    long sender = Payload.parseHex(b, c + 17, 8);
                    if (sender >= 0 && sender < senderNode.length && senderNode[(int) sender] != node) {
                        stats.crossDeliverLatency.recordValue(Math.max(0, (now - sentAt) / 1000));
                    }
                }
            }
        }
    }

    private void onAck(byte[] b, long now) {
        int r = Payload.after(b, Payload.REF_ID, 0);
        String ref = Payload.uuidAt(b, r);
        if (ref == null) return;
        UUID refId = UUID.fromString(ref);
        long sentAt = refId.getMostSignificantBits();
        int c = Payload.after(b, Payload.CHAT_ID, r);
        String chatId = Payload.uuidAt(b, c);
        int s = Payload.after(b, Payload.SEQ, r);
        long seq = s < 0 ? -1 : Payload.parseLong(b, s);
        if (chatId == null || seq < 0) return; // an ack of something else
        stats.acked(chatId, seq);
        stats.acked.increment();
        if (stats.inWindow(now)) stats.ackedInWindow.increment();
        if (stats.inWindow(sentAt)) stats.ackLatency.recordValue(Math.max(0, (now - sentAt) / 1000));
        Sender snd = sender;
        if (snd != null) {
            snd.inFlight.decrementAndGet();
            if (refill) trySend();
        }
    }

    private void onError(byte[] b) {
        String code = Payload.stringAt(b, Payload.after(b, Payload.CODE, 0));
        stats.error(code == null ? "?" : code);
        int r = Payload.after(b, Payload.REF_ID, 0);
        Sender snd = sender;
        if (r >= 0 && snd != null) {
            stats.failedSends.increment();
            snd.inFlight.decrementAndGet();
            if (refill) trySend();
        }
    }

    /** {@return seqs of the chat acked but never seen here} */
    synchronized int missing(Track t, BitSet acked) {
        BitSet m = (BitSet) acked.clone();
        m.andNot(t.seen);
        return m.cardinality();
    }

    synchronized long seenCount(Track t) {
        return t.seen.cardinality();
    }
}
