package io.parley.server;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * A deliberately minimal WebSocket client over a plain socket, for frames a well-behaved client
 * library refuses to send: invalid UTF-8 in a text frame, frames of any size. Reads frames back
 * as (opcode, payload).
 */
public final class RawWebSocket implements AutoCloseable {
    /** A received frame. For close frames {@link #closeCode()} is set. */
    public record Frame(int opcode, byte[] payload) {
        public String text() { return new String(payload, StandardCharsets.UTF_8); }
        public int closeCode() { return payload.length >= 2 ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff) : -1; }
    }

    private final Socket socket;
    private final OutputStream out;
    private final DataInputStream in;
    private final SecureRandom random = new SecureRandom();

    public RawWebSocket(int port, String token) throws IOException {
        this(port, token, 0);
    }

    /** Connects with a small TCP receive buffer (bytes; 0 for the default), so a client that stops reading stalls soon. */
    public RawWebSocket(int port, String token, int receiveBufferBytes) throws IOException {
        socket = new Socket();
        if (receiveBufferBytes > 0) socket.setReceiveBufferSize(receiveBufferBytes);
        socket.connect(new java.net.InetSocketAddress("127.0.0.1", port), 5_000);
        socket.setSoTimeout(10_000);
        out = socket.getOutputStream();
        in = new DataInputStream(socket.getInputStream());
        byte[] key = new byte[16];
        random.nextBytes(key);
        String req = "GET /ws HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(key) + "\r\nSec-WebSocket-Version: 13\r\n"
                + "Authorization: Bearer " + token + "\r\n\r\n";
        out.write(req.getBytes(StandardCharsets.US_ASCII));
        out.flush();
        String status = readHeaders(in);
        if (!status.startsWith("HTTP/1.1 101")) throw new IOException("upgrade refused: " + status);
    }

    private static String readHeaders(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int state = 0;
        while (state < 4) {
            int b = in.read();
            if (b < 0) throw new IOException("eof in headers");
            head.write(b);
            state = (b == '\r' && (state == 0 || state == 2)) || (b == '\n' && (state == 1 || state == 3)) ? state + 1 : 0;
        }
        return head.toString(StandardCharsets.US_ASCII).lines().findFirst().orElse("");
    }

    /** Sends one masked frame (FIN set) with the given opcode (1 text, 2 binary). */
    public void sendFrame(int opcode, byte[] payload) throws IOException {
        ByteArrayOutputStream f = new ByteArrayOutputStream();
        f.write(0x80 | opcode);
        int len = payload.length;
        if (len < 126) {
            f.write(0x80 | len);
        } else if (len < 65536) {
            f.write(0x80 | 126);
            f.write(len >>> 8);
            f.write(len);
        } else {
            f.write(0x80 | 127);
            for (int i = 7; i >= 0; i--) f.write((int) ((long) len >>> (8 * i)));
        }
        byte[] mask = new byte[4];
        random.nextBytes(mask);
        f.write(mask);
        for (int i = 0; i < len; i++) f.write(payload[i] ^ mask[i & 3]);
        out.write(f.toByteArray());
        out.flush();
    }

    /** {@return the next frame from the server} */
    public Frame read() throws IOException {
        int b0 = in.readUnsignedByte();
        int b1 = in.readUnsignedByte();
        long len = b1 & 0x7f;
        if (len == 126) len = in.readUnsignedShort();
        else if (len == 127) len = in.readLong();
        byte[] payload = new byte[(int) len];
        in.readFully(payload);
        return new Frame(b0 & 0x0f, payload);
    }

    /** {@return the next text frame whose JSON type is {@code type}, skipping others} */
    public Frame readType(String type) throws IOException {
        while (true) {
            Frame f = read();
            if (f.opcode() == 8) return f;
            if (f.opcode() == 1 && f.text().contains("\"type\":\"" + type + "\"")) return f;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
