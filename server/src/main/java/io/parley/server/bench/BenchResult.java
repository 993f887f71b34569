package io.parley.server.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.util.Locale;
import java.util.Map;

/**
 * The outcome of a run. Rates count events that arrived inside the measured window; latencies are
 * of messages sent inside it (milliseconds); correctness counts cover the whole run.
 *
 * @param lost acknowledged messages never delivered to a member connected throughout (after the drain)
 * @param duplicated deliveries of a seq a connection had already received
 * @param outOfOrder deliveries whose seq was below one the connection had already received for that chat
 * @param unacked sends without ack or error when the drain ended
 * @param skipped sends due at the target rate but not made because every sender's window was full
 */
public record BenchResult(String scenario, int connections, int chats, long memberships, int senders, int targetRate,
                          int size, double seconds, long sent, long acked, double ackedPerSec, long delivered,
                          double deliveriesPerSec, double deliverP50, double deliverP99, double deliverP999, double deliverMax,
                          long deliverSamples, double ackP50, double ackP99, long ackSamples, long lost, long duplicated,
                          long outOfOrder, long unacked, long failed, long skipped, int disconnected, Map<String, Long> errors,
                          double drainSeconds, AmbientResult ambient, double crossP50, double crossP99, long crossSamples) {

    /**
     * The ephemeral side of a run: typing and presence frames sent and received, and the server's CPU
     * over the measured window in cores (NaN when no server pid was given).
     */
    public record AmbientResult(long typingSent, long typingReceived, long presenceSent, long presenceReceived, double serverCores) {
        /** {@return server CPU per connected user, in microseconds of CPU per second} */
        public double cpuMicrosPerUserSecond(int connections) {
            return serverCores * 1e6 / Math.max(1, connections);
        }
    }

    /** {@return whether delivery was correct: nothing lost, nothing duplicated} */
    public boolean ok() {
        return lost == 0 && duplicated == 0;
    }

    public String json() {
        try {
            return new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS).writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public String table() {
        StringBuilder sb = new StringBuilder();
        row(sb, "scenario", "%s: %d connections, %d chats, %d memberships, %d senders, %s, %d-byte messages".formatted(scenario,
                connections, chats, memberships, senders, targetRate > 0 ? "target " + targetRate + " msgs/s" : "closed loop", size));
        row(sb, "measured", f("%.1f s", seconds));
        row(sb, "sent / acked (run)", sent + " / " + acked);
        row(sb, "acked msgs/s", f("%,.0f", ackedPerSec));
        row(sb, "deliveries/s", f("%,.0f", deliveriesPerSec));
        if (crossSamples > 0) row(sb, "cross-node send→deliver ms", f("p50 %.2f  p99 %.2f  (n=%d)", crossP50, crossP99, crossSamples));
        row(sb, "send→deliver ms", f("p50 %.2f  p99 %.2f  p99.9 %.2f  max %.2f  (n=%d)", deliverP50, deliverP99, deliverP999,
                deliverMax, deliverSamples));
        row(sb, "send→ack ms", f("p50 %.2f  p99 %.2f  (n=%d)", ackP50, ackP99, ackSamples));
        row(sb, "lost", Long.toString(lost));
        row(sb, "duplicated", Long.toString(duplicated));
        row(sb, "out of order", Long.toString(outOfOrder));
        row(sb, "unacked / failed", unacked + " / " + failed);
        row(sb, "skipped (window full)", Long.toString(skipped));
        row(sb, "disconnected", Integer.toString(disconnected));
        row(sb, "errors", errors.isEmpty() ? "none" : errors.toString());
        row(sb, "drain", f("%.2f s", drainSeconds));
        if (ambient != null && (ambient.typingSent() > 0 || ambient.presenceSent() > 0 || ambient.presenceReceived() > 0)) {
            row(sb, "typing sent / recv", ambient.typingSent() + " / " + ambient.typingReceived());
            row(sb, "presence sent / recv", ambient.presenceSent() + " / " + ambient.presenceReceived());
        }
        if (ambient != null && !Double.isNaN(ambient.serverCores())) {
            row(sb, "server CPU", f("%.2f cores; %.1f µs CPU per connected user per second", ambient.serverCores(),
                    ambient.cpuMicrosPerUserSecond(connections)));
        }
        return sb.toString();
    }

    private static String f(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }

    private static void row(StringBuilder sb, String k, String v) {
        sb.append(String.format(Locale.ROOT, "%-22s %s%n", k, v));
    }
}
