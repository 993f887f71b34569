package io.parley.server.gateway;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/**
 * A complete server-to-client WebSocket text frame (RFC 6455 §5.2: FIN, opcode 1, unmasked length,
 * payload) built once. Server frames are not masked, so the same bytes are valid on every
 * connection: a fan-out writes one shared buffer to every recipient below the WebSocket encoder,
 * with no per-recipient frame object, header or copy.
 */
final class WireFrame {
    private WireFrame() {}

    /** {@return a buffer holding the whole frame for a UTF-8 JSON payload} */
    static ByteBuf text(byte[] payload) {
        int n = payload.length;
        int header = n < 126 ? 2 : n < 65_536 ? 4 : 10;
        ByteBuf buf = Unpooled.buffer(header + n, header + n);
        buf.writeByte(0x81); // FIN + text
        if (n < 126) {
            buf.writeByte(n);
        } else if (n < 65_536) {
            buf.writeByte(126);
            buf.writeShort(n);
        } else {
            buf.writeByte(127);
            buf.writeLong(n);
        }
        buf.writeBytes(payload);
        return buf;
    }
}
