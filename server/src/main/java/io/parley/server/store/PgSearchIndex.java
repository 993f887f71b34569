package io.parley.server.store;

import io.parley.core.error.ParleyException;
import io.parley.core.search.SearchIndex;
import io.parley.core.search.SearchQuery;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * The scaled-out pod's {@link SearchIndex}: PostgreSQL full-text search over a {@code search_docs}
 * table (a generated English {@code tsvector} with a GIN index), so every node of a pod searches the
 * same index. The {@link SearchQuery} becomes one tsquery built from {@code plainto_tsquery} (words),
 * {@code phraseto_tsquery} (phrases) and their negations, plus plain filters; fragments come from
 * {@code ts_headline} over HTML-escaped content, so only the {@code <mark>} tags are markup.
 */
final class PgSearchIndex implements SearchIndex {
    private static final String UPSERT = "INSERT INTO search_docs (message_id, workspace_id, chat_id, sender_id, content, created_at,"
            + " flags, mentions, file_names) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (message_id) DO UPDATE SET"
            + " content = EXCLUDED.content, flags = EXCLUDED.flags, mentions = EXCLUDED.mentions, file_names = EXCLUDED.file_names";
    private static final String ESCAPED = "replace(replace(replace(replace(d.content, '&', '&amp;'), '<', '&lt;'), '>', '&gt;'), '\"', '&quot;')";

    private final Db db;

    PgSearchIndex(Db db) {
        this.db = db;
    }

    @Override
    public void upsert(Doc d) {
        upsertAll(List.of(d));
    }

    /** Upserts a batch in one statement batch (the indexer drains its queue in batches). */
    @Override
    public void upsertAll(List<Doc> docs) {
        if (docs.isEmpty()) return;
        db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement(UPSERT)) {
                for (Doc d : docs) {
                    ps.setString(1, d.messageId().toString());
                    ps.setString(2, d.workspaceId().toString());
                    ps.setString(3, d.chatId().toString());
                    ps.setString(4, d.senderId().toString());
                    ps.setString(5, d.content());
                    ps.setLong(6, d.createdAt().toEpochMilli());
                    ps.setArray(7, c.createArrayOf("text", flags(d).toArray()));
                    ps.setArray(8, c.createArrayOf("text", d.mentionHandles().toArray()));
                    ps.setString(9, String.join(" ", d.fileNames()));
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            return null;
        });
    }

    private static List<String> flags(Doc d) {
        List<String> f = new ArrayList<>(4);
        if (d.thread()) f.add("thread");
        if (d.hasLink()) f.add("link");
        if (d.hasFile()) f.add("file");
        if (d.hasReaction()) f.add("reaction");
        return f;
    }

    @Override
    public void delete(UUID messageId) {
        db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM search_docs WHERE message_id = ?")) {
                ps.setString(1, messageId.toString());
                ps.executeUpdate();
            }
            return null;
        });
    }

    @Override
    public void clear() {
        db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM search_docs")) {
                ps.executeUpdate();
            }
            return null;
        });
    }

    @Override
    public Page search(Criteria cr) {
        SearchQuery q = cr.query();
        List<Object> args = new ArrayList<>();
        String tsquery = tsquery(q, args);
        StringBuilder where = new StringBuilder("d.chat_id = ANY(?)");
        args.add(new TextArray(cr.chatIds().stream().map(UUID::toString).toList()));
        if (cr.senderIds() != null) {
            where.append(" AND d.sender_id = ANY(?)");
            args.add(new TextArray(cr.senderIds().stream().map(UUID::toString).toList()));
        }
        if (tsquery != null) where.append(" AND d.tsv @@ (").append(tsquery).append(")");
        if (q.from() != null) { where.append(" AND d.created_at >= ?"); args.add(q.from().toEpochMilli()); }
        if (q.until() != null) { where.append(" AND d.created_at < ?"); args.add(q.until().toEpochMilli()); }
        for (SearchQuery.Has h : q.has()) { where.append(" AND ? = ANY(d.flags)"); args.add(h.name().toLowerCase(Locale.ROOT)); }
        if (q.threadsOnly()) where.append(" AND 'thread' = ANY(d.flags)");
        for (String m : q.mentionHandles()) { where.append(" AND ? = ANY(d.mentions)"); args.add(m); }
        String rank = tsquery == null ? "0" : "ts_rank_cd(d.tsv, (" + tsquery + "))";
        String headline = tsquery == null ? "NULL" : "ts_headline('english', " + ESCAPED + ", (" + tsquery + "),"
                + " 'StartSel=<mark>, StopSel=</mark>, MaxFragments=2, MaxWords=20, MinWords=5, FragmentDelimiter=\u2026')";
        // Ties fall back to the id: UUIDv7 text sorts in mint order, so the order is total.
        String order = cr.byRecency() || tsquery == null ? "d.created_at DESC, d.message_id DESC"
                : "score DESC, d.created_at DESC, d.message_id DESC";
        String sql = "SELECT d.message_id, d.chat_id, " + rank + " AS score, " + headline + " AS fragment, count(*) OVER () AS total"
                + " FROM search_docs d WHERE " + where + " ORDER BY " + order + " LIMIT ? OFFSET ?";
        // The tsquery text appears three times (rank, headline, match), each with its own parameters.
        int tsArgs = tsArgCount(q);
        List<Object> params = reorder(cr, args.subList(0, tsArgs), args.subList(tsArgs, args.size()), tsquery != null);
        params.add(cr.limit());
        params.add(cr.offset());
        try {
            return db.read(c -> {
                try (PreparedStatement ps = c.prepareStatement(sql)) {
                    bind(c, ps, params);
                    List<Hit> hits = new ArrayList<>();
                    long total = 0;
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            total = rs.getLong("total");
                            String frag = rs.getString("fragment");
                            hits.add(new Hit(UUID.fromString(rs.getString("message_id")), UUID.fromString(rs.getString("chat_id")),
                                    rs.getFloat("score"), frag == null ? List.of() : List.of(frag.split("\u2026", -1)).stream()
                                    .map(String::strip).filter(s -> !s.isEmpty()).toList()));
                        }
                    }
                    return new Page(hits, total);
                }
            });
        } catch (ParleyException e) {
            throw e;
        } catch (RuntimeException e) {
            throw ParleyException.unavailable("search is temporarily unavailable", 5, e);
        }
    }

    /** Parameters in statement order: select list (rank, headline), then the where clause, as built above. */
    private static List<Object> reorder(Criteria cr, List<Object> ts, List<Object> rest, boolean text) {
        List<Object> out = new ArrayList<>();
        if (text) {
            out.addAll(ts); // rank
            out.addAll(ts); // headline
        }
        int i = 0;
        out.add(rest.get(i++)); // chat ids
        if (cr.senderIds() != null) out.add(rest.get(i++));
        if (text) out.addAll(ts); // the match itself
        while (i < rest.size()) out.add(rest.get(i++));
        return out;
    }

    /** Builds the tsquery expression with ? for each word or phrase (added to args). {@return null without text} */
    private static String tsquery(SearchQuery q, List<Object> args) {
        List<String> parts = new ArrayList<>();
        for (String t : q.terms()) { parts.add("plainto_tsquery('english', ?)"); args.add(t); }
        for (String p : q.phrases()) { parts.add("phraseto_tsquery('english', ?)"); args.add(p); }
        if (parts.isEmpty()) return null;
        for (String t : q.excludedTerms()) { parts.add("!!plainto_tsquery('english', ?)"); args.add(t); }
        for (String p : q.excludedPhrases()) { parts.add("!!phraseto_tsquery('english', ?)"); args.add(p); }
        return String.join(" && ", parts);
    }

    private static int tsArgCount(SearchQuery q) {
        if (!q.hasText()) return 0;
        return q.terms().size() + q.phrases().size() + q.excludedTerms().size() + q.excludedPhrases().size();
    }

    /** A text[] parameter. */
    private record TextArray(List<String> values) {}

    private static void bind(Connection c, PreparedStatement ps, List<Object> params) throws SQLException {
        for (int i = 0; i < params.size(); i++) {
            Object p = params.get(i);
            switch (p) {
                case TextArray a -> {
                    Array arr = c.createArrayOf("text", a.values().toArray());
                    ps.setArray(i + 1, arr);
                }
                case String s -> ps.setString(i + 1, s);
                case Long l -> ps.setLong(i + 1, l);
                case Integer n -> ps.setInt(i + 1, n);
                default -> throw new IllegalArgumentException("unexpected parameter " + p.getClass());
            }
        }
    }

    @Override
    public boolean ready() {
        return true;
    }

    @Override
    public void flush() {
        // every upsert is committed already: visible at once, on every node
    }

    @Override
    public void close() {
        // the store owns the connections
    }
}
