package io.parley.server.nats;

import io.nats.client.JetStreamApiException;
import io.nats.client.KeyValue;
import io.nats.client.api.KeyValueEntry;
import io.parley.core.auth.FailureLedger;
import io.parley.core.auth.MemoryFailureLedger;
import io.parley.core.auth.TokenCodec;
import io.parley.core.error.ParleyException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.UnaryOperator;

/**
 * Failed proofs counted across the pod, so that a guesser spread over the nodes behind the balancer meets one backoff:
 * each key of the proof gate is one entry of the JetStream key-value bucket {@code <prefix>-proofs} (memory storage),
 * replaced with compare-and-set.
 *
 * <p>Algorithm. An update reads the entry with its revision, applies the gate's change, and writes the result
 * expecting that revision (creating the entry when there was none, deleting it when the result counts nothing). If
 * another node wrote in between, the write is refused and the node reads again (see {@link #shared}). Keys are SHA-256 hashes
 * of the gate's keys, so no e-mail address or client address is written to NATS; entries expire from the bucket once
 * quiet for the gate's forget period.
 *
 * <p>Failure. While NATS is away, or a request does not answer within {@link NatsLink#REQUEST_TIMEOUT}, the node
 * counts in its own memory: the backoff then holds per node (a guesser spread over k nodes gets k times the free
 * attempts), and a sign-in never waits long for the broker.
 */
public final class NatsFailureLedger implements FailureLedger {
    private static final Logger log = LoggerFactory.getLogger(NatsFailureLedger.class);
    private static final int ATTEMPTS = 20;

    private final NatsLink link;
    private final MemoryFailureLedger local;
    private final Duration forgetAfter;
    private volatile KeyValue kv;

    /**
     * @param local the node's own ledger, used while NATS is away
     * @param forgetAfter how long the gate remembers a quiet key (entries live in the bucket that long)
     */
    public NatsFailureLedger(NatsLink link, MemoryFailureLedger local, Duration forgetAfter) {
        this.link = link;
        this.local = local;
        this.forgetAfter = forgetAfter;
        link.onReconnect(() -> kv = null); // a restarted broker lost its memory buckets: create it again
    }

    @Override
    public Entry read(String key) {
        if (!link.connected()) return local.read(key);
        try {
            KeyValueEntry e = bucket().get(natsKey(key));
            return e == null || e.getValue() == null ? Entry.NONE : decode(e.getValue());
        } catch (IOException | JetStreamApiException | RuntimeException e) {
            log.debug("shared proof ledger unavailable ({}); counting on this node", e.toString());
            return local.read(key);
        }
    }

    @Override
    public Change update(String key, UnaryOperator<Entry> change) {
        if (!link.connected()) return local.update(key, change);
        try {
            return shared(bucket(), natsKey(key), change);
        } catch (ParleyException e) {
            throw e; // contended past every retry: refused, not counted elsewhere
        } catch (IOException | JetStreamApiException | RuntimeException e) {
            log.debug("shared proof ledger unavailable ({}); counting on this node", e.toString());
            return local.update(key, change);
        }
    }

    /**
     * The compare-and-set loop. Writers that lost pause a random moment that grows with each loss, so a crowd on one
     * key (a guessing flood on one account) thins out instead of colliding again; past {@link #ATTEMPTS} the attempt is
     * refused rather than counted on this node only, where the other nodes would not see it.
     */
    private Change shared(KeyValue bucket, String key, UnaryOperator<Entry> change) throws IOException, JetStreamApiException {
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            KeyValueEntry stored = bucket.get(key);
            boolean absent = stored == null || stored.getValue() == null;
            Entry before = absent ? Entry.NONE : decode(stored.getValue());
            Entry after = change.apply(before);
            try {
                if (after.failures() > 0) {
                    if (absent) bucket.create(key, encode(after));
                    else bucket.update(key, encode(after), stored.getRevision());
                } else if (!absent) {
                    bucket.delete(key, stored.getRevision());
                }
                return new Change(before, after);
            } catch (JetStreamApiException e) { // another node wrote first: read again after a moment
                pause(attempt);
            }
        }
        throw ParleyException.unavailable("too many attempts at once; try again in a moment", 1, null);
    }

    private static void pause(int attempt) {
        try {
            Thread.sleep(ThreadLocalRandom.current().nextInt(1 << Math.min(attempt, 5)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ParleyException.unavailable("interrupted while counting a failed attempt", 1, e);
        }
    }

    private KeyValue bucket() throws IOException, JetStreamApiException {
        KeyValue b = kv;
        if (b == null) {
            b = link.bucket("proofs", forgetAfter.plusMinutes(1));
            kv = b;
        }
        return b;
    }

    /** {@return the bucket key of a gate key: a hash, so e-mail and client addresses stay out of NATS} */
    private static String natsKey(String key) {
        return "k" + TokenCodec.hash(key);
    }

    private static byte[] encode(Entry e) {
        return (e.failures() + ":" + e.lastMillis()).getBytes(StandardCharsets.UTF_8);
    }

    private static Entry decode(byte[] value) {
        String[] parts = new String(value, StandardCharsets.UTF_8).split(":");
        return new Entry(Integer.parseInt(parts[0]), Long.parseLong(parts[1]));
    }
}
