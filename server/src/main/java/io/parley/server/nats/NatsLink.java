package io.parley.server.nats;

import io.nats.client.Connection;
import io.nats.client.ConnectionListener;
import io.nats.client.ErrorListener;
import io.nats.client.JetStreamApiException;
import io.nats.client.KeyValue;
import io.nats.client.KeyValueOptions;
import io.nats.client.JetStreamOptions;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.api.KeyValueConfiguration;
import io.nats.client.api.StorageType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A node's one connection to NATS, shared by the bus, shared presence and the shared rate limits.
 *
 * <p>The node starts whether or not NATS answers: the client connects (or keeps retrying) in the
 * background, reconnects forever with a short wait, and buffers publishes while it is away. Nothing
 * that needs NATS blocks for long: {@link #connected()} lets callers take their local path at once
 * during an outage, and key-value requests time out after {@link #REQUEST_TIMEOUT}. Listeners hear of
 * every reconnect, so they can repair what they missed (the hub re-checks its chats against the store,
 * presence republishes this node's state).
 */
public final class NatsLink implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(NatsLink.class);
    /** How long a key-value request may take before the caller falls back to its local path. */
    static final Duration REQUEST_TIMEOUT = Duration.ofMillis(750);

    private final Connection connection;
    private final String prefix;
    private final String nodeId;
    private final List<Runnable> onReconnect;

    private NatsLink(Connection connection, String prefix, String nodeId, List<Runnable> onReconnect) {
        this.connection = connection;
        this.prefix = prefix;
        this.nodeId = nodeId;
        this.onReconnect = onReconnect;
    }

    /**
     * Connects to {@code url} (comma-separated servers), or starts retrying in the background when no
     * server answers yet.
     *
     * @param prefix the pod's subject and bucket prefix
     * @param podId stamped into the node id, for logs
     */
    public static NatsLink open(String url, String prefix, String podId) {
        String nodeId = podId.replace('.', '_') + "-" + UUID.randomUUID().toString().substring(0, 8); // no dots: keys split on them
        List<Runnable> callbacks = new CopyOnWriteArrayList<>();
        Options options = Options.builder()
                .servers(url.split(","))
                .connectionName("parley " + nodeId)
                .noEcho() // this node's own publications come back through its local dispatcher, not the broker
                .maxReconnects(-1)
                .reconnectWait(Duration.ofMillis(250))
                .reconnectJitter(Duration.ofMillis(100))
                .connectionTimeout(Duration.ofSeconds(2))
                .pingInterval(Duration.ofSeconds(2))
                .maxPingsOut(2)
                .reconnectBufferSize(64L * 1024 * 1024)
                .connectionListener(new Listener(nodeId, callbacks))
                .errorListener(new ErrorListener() { }) // the default one logs every slow-consumer event on stderr
                .build();
        Connection c;
        try {
            c = Nats.connectReconnectOnConnect(options);
        } catch (IOException e) {
            throw new IllegalStateException("cannot set up the NATS connection to " + url + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while connecting to NATS", e);
        }
        return new NatsLink(c, prefix, nodeId, callbacks);
    }

    /** {@return the raw connection} */
    Connection connection() { return connection; }

    /** {@return the pod's prefix} */
    public String prefix() { return prefix; }

    /** {@return this process's id among the pod's nodes: pod id and 8 random hex digits, new at every start} */
    public String nodeId() { return nodeId; }

    /** {@return whether the broker is reachable right now} */
    public boolean connected() {
        return connection.getStatus() == Connection.Status.CONNECTED;
    }

    /** Runs {@code r} after every reconnect (on a NATS thread: it must not block for long). */
    public void onReconnect(Runnable r) {
        onReconnect.add(r);
    }

    /**
     * {@return the key-value bucket {@code <prefix>-<name>}, created if missing}: memory storage (the state is
     * ephemeral and rebuilt by the nodes), one value per key, entries older than {@code maxAge} dropped.
     */
    KeyValue bucket(String name, Duration maxAge) throws IOException, JetStreamApiException {
        String bucket = prefix + "-" + name;
        var kvm = connection.keyValueManagement(KeyValueOptions.builder()
                .jetStreamOptions(JetStreamOptions.builder().requestTimeout(REQUEST_TIMEOUT).build()).build());
        if (!kvm.getBucketNames().contains(bucket)) {
            try {
                kvm.create(KeyValueConfiguration.builder().name(bucket).maxHistoryPerKey(1).ttl(maxAge)
                        .storageType(StorageType.Memory).build());
            } catch (JetStreamApiException e) {
                if (!kvm.getBucketNames().contains(bucket)) throw e; // else another node created it first
            }
        }
        return connection.keyValue(bucket, KeyValueOptions.builder()
                .jetStreamOptions(JetStreamOptions.builder().requestTimeout(REQUEST_TIMEOUT).build()).build());
    }

    private final List<AutoCloseable> parts = new CopyOnWriteArrayList<>();

    /** Closes {@code part} (shared presence, the limiter) just before the connection, newest first. */
    void closeWith(AutoCloseable part) {
        parts.add(part);
    }

    @Override
    public void close() {
        for (AutoCloseable p : parts.reversed()) {
            try {
                p.close();
            } catch (Exception e) {
                log.debug("closing {}", p, e);
            }
        }
        try {
            connection.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Logs the connection's life and runs the link's reconnect callbacks once subscriptions are back. */
    private record Listener(String nodeId, List<Runnable> onReconnect) implements ConnectionListener {
        @Override
        public void connectionEvent(Connection conn, Events type) {
            switch (type) {
                case CONNECTED -> log.info("node {} connected to NATS {}", nodeId, conn.getConnectedUrl());
                case DISCONNECTED -> log.warn("node {} lost NATS; cross-node delivery pauses, this node keeps serving", nodeId);
                case RECONNECTED -> log.info("node {} reconnected to NATS {}", nodeId, conn.getConnectedUrl());
                case RESUBSCRIBED -> {
                    for (Runnable r : onReconnect) {
                        try {
                            r.run();
                        } catch (RuntimeException e) {
                            log.warn("a NATS reconnect callback failed", e);
                        }
                    }
                }
                case CLOSED -> log.info("node {} closed its NATS connection", nodeId);
                default -> { }
            }
        }
    }
}
