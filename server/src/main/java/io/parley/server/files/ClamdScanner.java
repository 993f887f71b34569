package io.parley.server.files;

import io.parley.core.files.FileInspector;
import io.parley.core.files.FileScanner;

import java.io.IOException;
import java.io.InputStream;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.ProtocolFamily;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

/**
 * Scans with clamd over its {@code INSTREAM} protocol (clamd(8)), one connection per file, over TCP or a Unix socket:
 *
 * <pre>
 *   → "zINSTREAM\0", then chunks: a 4-byte big-endian length and that many bytes; a zero length ends the stream
 *   ← "stream: OK\0" | "stream: &lt;signature&gt; FOUND\0" | "INSTREAM size limit exceeded. ERROR\0" | "&lt;other&gt; ERROR\0"
 * </pre>
 *
 * <p>Timeouts: connecting may take {@code connectTimeout}, the rest (sending the file, clamd's scan, its answer)
 * {@code timeout}. A {@link SocketChannel} has no read timeout, and a Unix socket has no {@code Socket} to set one on,
 * so both are kept by a deadline that closes the channel: a blocked connect, write or read then fails at once.
 *
 * <p>clamd answers a stream over its {@code StreamMaxLength} as soon as it is over, and closes the connection while
 * the rest is still being sent: a write that fails is followed by a read of that answer before the scan is called
 * unavailable.
 */
public final class ClamdScanner implements FileScanner {
    private static final byte[] INSTREAM = "zINSTREAM\0".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] PING = "zPING\0".getBytes(StandardCharsets.US_ASCII);
    private static final int CHUNK = 64 * 1024;
    /** clamd's answers are a line; anything longer is not one. */
    private static final int MAX_REPLY = 1024;

    private final ClamdAddress address;
    private final Duration connectTimeout;
    private final Duration timeout;

    public ClamdScanner(ClamdAddress address, Duration connectTimeout, Duration timeout) {
        this.address = address;
        this.connectTimeout = connectTimeout;
        this.timeout = timeout;
    }

    @Override
    public Verdict scan(FileInspector.Source bytes) {
        SocketAddress target;
        try {
            target = address.resolve();
        } catch (IllegalArgumentException e) {
            return new Unavailable("clamd at " + address + " cannot be resolved");
        }
        try (SocketChannel ch = SocketChannel.open(family(target))) {
            try (Deadline connecting = new Deadline(ch, connectTimeout)) {
                try {
                    ch.connect(target);
                } catch (IOException | UnresolvedAddressException e) {
                    return new Unavailable(connecting.expired() ? "connecting to clamd at " + address + " took over " + connectTimeout
                            : "cannot connect to clamd at " + address + ": " + describe(e));
                }
            }
            try (Deadline scanning = new Deadline(ch, timeout)) {
                try {
                    send(ch, bytes);
                } catch (IOException e) {
                    if (scanning.expired()) return timedOut();
                    String early = replyOrNull(ch); // clamd may have answered (size limit) and closed
                    return early != null ? verdict(early) : new Unavailable("sending to clamd at " + address + " failed: " + describe(e));
                }
                try {
                    return verdict(reply(ch));
                } catch (IOException e) {
                    return scanning.expired() ? timedOut() : new Unavailable("reading clamd's answer failed: " + describe(e));
                }
            }
        } catch (IOException e) {
            return new Unavailable("clamd at " + address + ": " + describe(e));
        }
    }

    /** Asks clamd whether it is there ({@code zPING}, within the connect timeout). {@return empty when it answers PONG, else why not} */
    public Optional<String> ping() {
        SocketAddress target = address.resolve();
        try (SocketChannel ch = SocketChannel.open(family(target)); Deadline d = new Deadline(ch, connectTimeout)) {
            ch.connect(target);
            writeFully(ch, ByteBuffer.wrap(PING));
            String reply = reply(ch);
            return reply.equals("PONG") ? Optional.empty() : Optional.of("it answered '" + printable(reply) + "'");
        } catch (IOException | RuntimeException e) {
            return Optional.of(describe(e));
        }
    }

    /** Sends the command and the file in chunks, then the zero-length chunk that ends the stream. */
    private static void send(SocketChannel ch, FileInspector.Source bytes) throws IOException {
        writeFully(ch, ByteBuffer.wrap(INSTREAM));
        ByteBuffer frame = ByteBuffer.allocate(4 + CHUNK);
        try (InputStream in = bytes.open()) {
            byte[] buf = frame.array();
            for (int n; (n = in.readNBytes(buf, 4, CHUNK)) > 0; ) {
                frame.clear();
                frame.putInt(0, n); // big-endian: network byte order
                frame.limit(4 + n);
                writeFully(ch, frame);
            }
        }
        writeFully(ch, ByteBuffer.allocate(4));
    }

    private static void writeFully(SocketChannel ch, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) ch.write(b);
    }

    /** {@return clamd's answer up to its terminating NUL (or the end of the stream)} */
    private static String reply(SocketChannel ch) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(MAX_REPLY);
        while (buf.hasRemaining()) {
            int before = buf.position();
            if (ch.read(buf) < 0) break;
            for (int i = before; i < buf.position(); i++) {
                if (buf.get(i) == 0) return text(buf, i);
            }
        }
        return text(buf, buf.position());
    }

    /** {@return the answer clamd sent before it closed, or null when there is none to read} */
    private static String replyOrNull(SocketChannel ch) {
        try {
            String r = reply(ch);
            return r.isEmpty() ? null : r;
        } catch (IOException e) {
            return null;
        }
    }

    private static String text(ByteBuffer buf, int end) {
        return new String(buf.array(), 0, end, StandardCharsets.US_ASCII).strip();
    }

    /** {@return the verdict an answer of clamd's gives} */
    static Verdict verdict(String reply) {
        if (reply.equals("stream: OK")) return new Clean();
        if (reply.startsWith("stream: ") && reply.endsWith(" FOUND")) {
            return new Infected(reply.substring("stream: ".length(), reply.length() - " FOUND".length()).strip());
        }
        if (reply.startsWith("INSTREAM size limit exceeded")) return new TooLarge();
        if (reply.isEmpty()) return new Unavailable("clamd closed the connection without an answer");
        return new Unavailable("clamd answered '" + printable(reply) + "'");
    }

    private Unavailable timedOut() {
        return new Unavailable("clamd at " + address + " did not answer within " + timeout);
    }

    private static ProtocolFamily family(SocketAddress a) {
        return switch (a) {
            case UnixDomainSocketAddress u -> StandardProtocolFamily.UNIX;
            case InetSocketAddress i when i.getAddress() instanceof Inet6Address -> StandardProtocolFamily.INET6;
            default -> StandardProtocolFamily.INET;
        };
    }

    private static String describe(Exception e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    private static String printable(String s) {
        return s.codePoints().map(c -> c < 0x20 || c > 0x7e ? '?' : c)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
    }

    /**
     * Closes a channel when its time is up, unless closed first: a virtual thread that sleeps until then and is
     * interrupted when the step finishes in time.
     */
    private static final class Deadline implements AutoCloseable {
        private final Thread timer;
        private volatile boolean expired;

        Deadline(SocketChannel ch, Duration after) {
            timer = Thread.ofVirtual().name("parley-clamd-deadline").start(() -> {
                try {
                    Thread.sleep(after);
                    expired = true;
                    ch.close();
                } catch (InterruptedException | IOException e) {
                    // finished in time, or already closed
                }
            });
        }

        boolean expired() {
            return expired;
        }

        @Override
        public void close() {
            timer.interrupt();
        }
    }
}
