package io.parley.server.store;

import io.parley.core.error.ParleyException;
import io.parley.core.store.LogCommand;
import io.parley.core.store.LogResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * The group-commit writer behind {@link io.parley.core.store.MessageLog#append}.
 *
 * <p><b>Algorithm.</b> Callers enqueue a command with a future and return at once. One platform thread,
 * {@code parley-log-writer}, takes the first waiting command, drains up to {@code batchMax - 1} more, sorts
 * the batch by chat (stable, so each chat keeps its arrival order and two nodes lock chat rows in the same
 * order and cannot deadlock), applies them all in ONE transaction and commits. Only then does it complete
 * the futures: persist before ack. While a batch commits, new commands queue up and form the next batch, so
 * under load one fsync covers hundreds of messages; at low load a batch is a single command and no latency
 * is added (there is no timer). Runs of plain posts (the bulk of traffic) take {@link BulkPoster}'s path:
 * a few statements for the whole run instead of several per message.
 *
 * <p><b>Failures.</b> A command that fails validation ({@link ParleyException}, raised before it writes
 * anything) fails alone and the batch goes on. If the transaction itself fails: on a connectivity error every
 * future of the batch fails with {@code UNAVAILABLE} and the thread carries on with the next batch (the pool
 * reconnects once the database is back); on any other error the batch is rolled back and its commands are
 * retried one by one, each in its own transaction, so one bad command cannot fail its neighbours.
 *
 * <p><b>Caveats.</b> The queue is bounded; when it is full {@code submit} fails fast with {@code UNAVAILABLE}
 * rather than buffering without limit. Message content is never logged.
 */
final class LogWriter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LogWriter.class);
    private static final int QUEUE_CAPACITY = 16_384;

    private record Pending(LogCommand command, CompletableFuture<LogResult> future) {}

    private static final Pending STOP = new Pending(null, null);

    private final Db db;
    private final CommandApplier applier;
    private final int batchMax;
    private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>(QUEUE_CAPACITY);
    private final Thread thread;
    /** Completes committed futures in commit order, off the writer thread (one thread keeps the order). */
    private final java.util.concurrent.ExecutorService completer = java.util.concurrent.Executors.newSingleThreadExecutor(
            Thread.ofPlatform().name("parley-log-completer").daemon(true).factory());
    private volatile boolean closed;

    LogWriter(Db db, int batchMax) {
        this.db = db;
        this.applier = new CommandApplier(db);
        this.batchMax = batchMax;
        this.thread = Thread.ofPlatform().name("parley-log-writer").daemon(true).unstarted(new Drainer());
    }

    void start() { thread.start(); }

    /** {@return a future completed after the command's transaction committed} */
    CompletableFuture<LogResult> submit(LogCommand command) {
        var future = new CompletableFuture<LogResult>();
        if (closed) {
            future.completeExceptionally(unavailable("the store is closed", null));
        } else if (!queue.offer(new Pending(command, future))) {
            future.completeExceptionally(unavailable("the log writer is overloaded", null));
        }
        return future;
    }

    /** The writer thread's loop: take a batch, commit it, complete its futures, repeat until stopped. */
    private final class Drainer implements Runnable {
        @Override
        public void run() {
            List<Pending> batch = new ArrayList<>(batchMax);
            while (true) {
                batch.clear();
                try {
                    batch.add(queue.take());
                } catch (InterruptedException e) {
                    if (closed) break;
                    continue;
                }
                queue.drainTo(batch, batchMax - 1);
                boolean stop = batch.removeIf(p -> p == STOP);
                if (!batch.isEmpty()) {
                    try {
                        commitBatch(batch);
                    } catch (Throwable t) { // the writer must not die: fail what is left and go on
                        LOG.error("log writer failed a batch of {} ({})", batch.size(), describe(t));
                        for (Pending p : batch) p.future().completeExceptionally(t);
                    }
                }
                if (stop) break;
            }
            for (Pending p; (p = queue.poll()) != null; ) {
                if (p != STOP) p.future().completeExceptionally(unavailable("the store is closed", null));
            }
        }
    }

    private void commitBatch(List<Pending> batch) {
        // By the ids' text, byte order: the order PostgreSQL's bulk path locks chat rows in (COLLATE "C"), so every
        // statement of every node takes chat locks in one global order.
        batch.sort(Comparator.comparing(p -> p.command().chatId().toString()));
        Object[] outcomes = new Object[batch.size()]; // a LogResult or a ParleyException per command
        try (Connection c = db.writeConnection()) {
            Db.inTransaction(c, conn -> {
                int i = 0;
                while (i < batch.size()) {
                    int end = i;
                    while (end < batch.size() && isPlainPost(batch.get(end).command())) end++;
                    if (end - i > 1) { // a run of plain posts: the bulk path
                        List<LogCommand.Post> run = new ArrayList<>(end - i);
                        for (int j = i; j < end; j++) run.add((LogCommand.Post) batch.get(j).command());
                        System.arraycopy(BulkPoster.apply(conn, run, db.kind()), 0, outcomes, i, run.size());
                        i = end;
                        continue;
                    }
                    try {
                        outcomes[i] = applier.apply(conn, batch.get(i).command());
                    } catch (ParleyException e) {
                        outcomes[i] = e; // validation failed before any write: the transaction is intact
                    }
                    i++;
                }
                return null;
            });
        } catch (SQLException | RuntimeException e) {
            if (Db.isConnectivity(e)) {
                LOG.warn("database unavailable; failing a batch of {} commands", batch.size());
                ParleyException failure = unavailable("database unavailable", e);
                for (Pending p : batch) completeLater(p, failure);
            } else {
                LOG.warn("batch of {} commands rolled back ({}); retrying one by one", batch.size(), describe(e));
                for (Pending p : batch) commitOne(p);
            }
            return;
        }
        // Committed: now, and only now, tell the callers. The completer thread runs their callbacks (acks,
        // fan-out) in commit order while this thread starts on the next batch.
        List<Pending> done = List.copyOf(batch);
        completer.execute(() -> {
            for (int i = 0; i < done.size(); i++) complete(done.get(i), outcomes[i]);
        });
    }

    private static boolean isPlainPost(LogCommand cmd) {
        return cmd instanceof LogCommand.Post p && p.threadRootId() == null && p.attachments().isEmpty();
    }

    private void commitOne(Pending p) {
        try (Connection c = db.writeConnection()) {
            Object outcome;
            try {
                outcome = Db.inTransaction(c, conn -> applier.apply(conn, p.command()));
            } catch (ParleyException e) {
                outcome = e;
            }
            completeLater(p, outcome);
        } catch (SQLException e) {
            completeLater(p, db.translate(e));
        } catch (RuntimeException e) {
            completeLater(p, e);
        }
    }

    /** Completes on the completer thread, behind every earlier completion, so callers see commit order. */
    private void completeLater(Pending p, Object outcome) {
        completer.execute(() -> complete(p, outcome));
    }

    /** {@return the error's type and SQLState only: driver messages may quote row values, i.e. content} */
    private static String describe(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof SQLException se) return se.getClass().getSimpleName() + " SQLState " + se.getSQLState();
        }
        return t.getClass().getName();
    }

    private static void complete(Pending p, Object outcome) {
        if (outcome instanceof LogResult r) p.future().complete(r);
        else p.future().completeExceptionally((Throwable) outcome);
    }

    private ParleyException unavailable(String message, Throwable cause) {
        return ParleyException.unavailable(message, db.retryAfterSeconds(), cause);
    }

    /** Stops taking commands, commits what is queued, and waits for the thread to end. */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        while (!queue.offer(STOP)) {
            Pending p = queue.poll();
            if (p != null) p.future().completeExceptionally(unavailable("the store is closed", null));
        }
        try {
            thread.join(30_000);
            completer.shutdown();
            completer.awaitTermination(10, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
