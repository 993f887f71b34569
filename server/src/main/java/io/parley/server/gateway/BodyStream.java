package io.parley.server.gateway;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.LastHttpContent;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The body of a streaming request as an {@link InputStream} for the handler's (virtual) thread, fed by the
 * event loop with the request's chunks as they arrive.
 *
 * <p>Flow control: past {@link #HIGH_WATER} bytes waiting, the channel stops reading (TCP pushes back on the
 * client); once the reader has taken the queue below {@link #LOW_WATER}, reading resumes. So an upload of any
 * size holds at most about a megabyte in memory. A client that goes silent mid-body for {@link #STALL_TIMEOUT_S}
 * seconds, or disconnects, makes {@code read} fail, and the handler gives up.
 */
final class BodyStream extends InputStream {
    static final int HIGH_WATER = 1 << 20;
    static final int LOW_WATER = 256 << 10;
    static final long STALL_TIMEOUT_S = 30;

    private final Channel channel;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition arrived = lock.newCondition();
    private final ArrayDeque<ByteBuf> chunks = new ArrayDeque<>();
    private long queued;
    private boolean ended;
    private boolean aborted;
    private boolean discarded;
    private boolean paused;

    BodyStream(Channel channel) {
        this.channel = channel;
    }

    /** Takes a chunk from the event loop (ownership passes here). */
    void offer(HttpContent content) {
        ByteBuf buf = content.content();
        lock.lock();
        try {
            if (discarded) {
                if (content instanceof LastHttpContent) ended = true;
                content.release();
                return;
            }
            if (buf.isReadable()) {
                chunks.add(buf);
                queued += buf.readableBytes();
            } else {
                content.release();
            }
            if (content instanceof LastHttpContent) ended = true;
            if (queued > HIGH_WATER && !paused) {
                paused = true;
                channel.config().setAutoRead(false);
            }
            arrived.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** The connection went away before the body ended. */
    void abort() {
        lock.lock();
        try {
            aborted = true;
            arrived.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** {@return whether the whole body arrived} (only then may the connection carry another request) */
    boolean ended() {
        lock.lock();
        try {
            return ended;
        } finally {
            lock.unlock();
        }
    }

    /** Drops whatever is queued and whatever still arrives; reading resumes so the rest can drain. */
    void discard() {
        lock.lock();
        try {
            discarded = true;
            for (ByteBuf b; (b = chunks.poll()) != null; ) b.release();
            queued = 0;
            resume();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) return 0;
        lock.lock();
        try {
            while (chunks.isEmpty()) {
                if (discarded) throw new IOException("the body was discarded");
                if (ended) return -1;
                if (aborted) throw new IOException("the client went away before the body ended");
                if (!arrived.await(STALL_TIMEOUT_S, TimeUnit.SECONDS) && chunks.isEmpty() && !ended && !aborted) {
                    throw new IOException("the client sent nothing for " + STALL_TIMEOUT_S + " s");
                }
            }
            ByteBuf head = chunks.peek();
            int n = Math.min(len, head.readableBytes());
            head.readBytes(b, off, n);
            queued -= n;
            if (!head.isReadable()) chunks.poll().release();
            if (paused && queued < LOW_WATER) resume();
            return n;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while reading the body");
        } finally {
            lock.unlock();
        }
    }

    private void resume() {
        if (!paused) return;
        paused = false;
        channel.config().setAutoRead(true);
    }

    @Override
    public void close() {
        discard();
    }
}
