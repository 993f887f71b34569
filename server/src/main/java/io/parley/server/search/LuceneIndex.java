package io.parley.server.search;

import io.parley.core.error.ParleyException;
import io.parley.core.search.SearchIndex;
import io.parley.core.search.SearchQuery;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.LongPoint;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.MatchAllDocsQuery;
import org.apache.lucene.search.MatchNoDocsQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.search.Sort;
import org.apache.lucene.search.SortField;
import org.apache.lucene.search.TermInSetQuery;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.search.uhighlight.DefaultPassageFormatter;
import org.apache.lucene.search.uhighlight.UnifiedHighlighter;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.store.LockObtainFailedException;
import org.apache.lucene.util.BytesRef;
import org.apache.lucene.util.QueryBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The single-node {@link SearchIndex}: Lucene on local disk. Content is analysed with English
 * stemming; ids, chats, senders and flags are exact terms; time is a point field for ranges and a
 * doc value for sorting. Near real time: a refresher thread reopens the searcher every second and
 * commits every 5 s. Each commit records the indexer's {@linkplain #checkpoint() checkpoint} with the documents
 * it covers (in the commit's user data), so after a crash the indexer re-applies only the events after the
 * last commit; an index that is new, or from a version that kept no checkpoint, has none and is rebuilt.
 */
public final class LuceneIndex implements SearchIndex {
    private static final Logger log = LoggerFactory.getLogger(LuceneIndex.class);
    private static final String ID = "id", CHAT = "chat", SENDER = "sender", CONTENT = "content",
            CREATED = "created", ORDER = "order", FLAG = "flag", MENTION = "mention";
    private static final int MAX_PASSAGES = 2;
    private static final String CHECKPOINT = "checkpoint";

    private final Analyzer analyzer = new EnglishAnalyzer();
    private final Function<UUID, String> contentOf;
    private final FSDirectory directory;
    private final IndexWriter writer;
    private final SearcherManager searchers;
    private final ScheduledExecutorService refresher;
    /** Chat → the seq up to which every event of it is in the writer; committed with the documents. */
    private final java.util.concurrent.ConcurrentHashMap<UUID, Long> checkpoint = new java.util.concurrent.ConcurrentHashMap<>();
    /** Whether {@link #checkpoint} can be trusted: false for a new or legacy index and after a clear, until advanced. */
    private volatile boolean trusted;
    /** Whether the checkpoint moved since the last commit. */
    private volatile boolean checkpointMoved;
    private volatile boolean ready = true;

    /**
     * Opens (or creates) the index in a directory.
     *
     * @param contentOf reads a message's current content from the store (for highlighting; null if gone)
     * @throws ParleyException UNAVAILABLE if another process holds the index
     */
    public LuceneIndex(Path dir, Function<UUID, String> contentOf) {
        this.contentOf = contentOf;
        try {
            Files.createDirectories(dir);
            directory = FSDirectory.open(dir);
            if (DirectoryReader.indexExists(directory)) { // a new index has no checkpoint: rebuilt (instant on an empty store)
                try (DirectoryReader r = DirectoryReader.open(directory)) {
                    String saved = r.getIndexCommit().getUserData().get(CHECKPOINT);
                    if (saved != null) {
                        checkpoint.putAll(decode(saved));
                        trusted = true;
                    }
                }
            }
            // Wider tiers: an index fed a second-sized segment at every refresh merges less often.
            org.apache.lucene.index.TieredMergePolicy merges = new org.apache.lucene.index.TieredMergePolicy();
            merges.setSegmentsPerTier(24);
            IndexWriterConfig cfg = new IndexWriterConfig(analyzer).setOpenMode(IndexWriterConfig.OpenMode.CREATE_OR_APPEND)
                    .setRAMBufferSizeMB(64).setMergePolicy(merges);
            writer = new IndexWriter(directory, cfg);
            searchers = new SearcherManager(writer, null);
        } catch (LockObtainFailedException e) {
            throw ParleyException.unavailable("the search index at " + dir + " is in use by another process", 5, e);
        } catch (IOException e) {
            throw new IllegalStateException("cannot open the search index at " + dir, e);
        }
        refresher = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("parley-search-refresh").daemon().factory());
        refresher.scheduleWithFixedDelay(this::refresh, 1, 1, TimeUnit.SECONDS); // index lag ≤ ~1 s, well inside 2 s
        refresher.scheduleWithFixedDelay(this::commit, 5, 5, TimeUnit.SECONDS);
    }

    @Override
    public void setReady(boolean ready) {
        this.ready = ready;
    }

    @Override
    public java.util.Optional<Map<UUID, Long>> checkpoint() {
        return trusted ? java.util.Optional.of(Map.copyOf(checkpoint)) : java.util.Optional.empty();
    }

    /** Moves the checkpoint; the first move after a {@link #clear()} (the rebuild's) makes it trusted again. */
    @Override
    public void advance(Map<UUID, Long> seqs) {
        seqs.forEach((chat, seq) -> checkpoint.merge(chat, seq, Math::max));
        trusted = true;
        checkpointMoved = true;
    }

    /**
     * {@return the checkpoint of the latest commit of an index directory, read without opening a writer (another
     * process may hold the index); empty if there is no index or it keeps no checkpoint} For tools and tests.
     */
    public static java.util.Optional<Map<UUID, Long>> committedCheckpoint(Path dir) throws IOException {
        try (FSDirectory d = FSDirectory.open(dir)) {
            if (!DirectoryReader.indexExists(d)) return java.util.Optional.empty();
            String saved = org.apache.lucene.index.SegmentInfos.readLatestCommit(d).getUserData().get(CHECKPOINT);
            return saved == null ? java.util.Optional.empty() : java.util.Optional.of(decode(saved));
        }
    }

    /** {@return a checkpoint as the commit keeps it: "chat=seq" pairs, comma-separated} */
    static String encode(Map<UUID, Long> seqs) {
        StringBuilder b = new StringBuilder(seqs.size() * 48);
        seqs.forEach((chat, seq) -> b.append(b.isEmpty() ? "" : ",").append(chat).append('=').append(seq));
        return b.toString();
    }

    static Map<UUID, Long> decode(String saved) {
        Map<UUID, Long> out = new java.util.HashMap<>();
        if (saved.isEmpty()) return out;
        for (String pair : saved.split(",")) {
            int eq = pair.indexOf('=');
            out.put(UUID.fromString(pair.substring(0, eq)), Long.parseLong(pair.substring(eq + 1)));
        }
        return out;
    }

    @Override
    public void upsert(Doc d) {
        Document doc = new Document();
        doc.add(new StringField(ID, idTerm(d.messageId()), Field.Store.YES)); // 16 bytes, not 36 characters
        doc.add(new StringField(CHAT, d.chatId().toString(), Field.Store.YES));
        doc.add(new StringField(SENDER, d.senderId().toString(), Field.Store.NO));
        // Content is not stored: highlighting reads it from the store (the source of truth), which keeps
        // flushes and merges light.
        doc.add(new TextField(CONTENT, d.content(), Field.Store.NO));
        for (String name : d.fileNames()) doc.add(new TextField(CONTENT, name, Field.Store.NO)); // found like the text
        doc.add(new LongPoint(CREATED, d.createdAt().toEpochMilli()));
        // A UUIDv7's high bits are its mint time and a counter: one number orders newest-first totally.
        doc.add(new NumericDocValuesField(ORDER, d.messageId().getMostSignificantBits()));
        if (d.thread()) doc.add(new StringField(FLAG, "thread", Field.Store.NO));
        if (d.hasLink()) doc.add(new StringField(FLAG, "link", Field.Store.NO));
        if (d.hasFile()) doc.add(new StringField(FLAG, "file", Field.Store.NO));
        if (d.hasReaction()) doc.add(new StringField(FLAG, "reaction", Field.Store.NO));
        for (String h : d.mentionHandles()) doc.add(new StringField(MENTION, h, Field.Store.NO));
        try {
            // A fresh post has no earlier document: adding skips the delete-by-term that replacing costs.
            if (d.fresh()) writer.addDocument(doc);
            else writer.updateDocument(new Term(ID, idTerm(d.messageId())), doc);
        } catch (IOException e) {
            throw new IllegalStateException("indexing failed", e);
        }
    }

    @Override
    public void delete(UUID messageId) {
        try {
            writer.deleteDocuments(new Term(ID, idTerm(messageId)));
        } catch (IOException e) {
            throw new IllegalStateException("removing from the index failed", e);
        }
    }

    @Override
    public void clear() {
        trusted = false; // the commits during a rebuild claim nothing: a crash in it means a rebuild again
        checkpoint.clear();
        checkpointMoved = true;
        try {
            writer.deleteAll();
        } catch (IOException e) {
            throw new IllegalStateException("clearing the index failed", e);
        }
    }

    @Override
    public Page search(Criteria c) {
        if (!ready) throw ParleyException.unavailable("search is temporarily unavailable (the index is rebuilding)", 5, null);
        Query text = textQuery(c.query());
        BooleanQuery.Builder all = new BooleanQuery.Builder();
        all.add(text == null ? new MatchAllDocsQuery() : text, text == null ? BooleanClause.Occur.FILTER : BooleanClause.Occur.MUST);
        all.add(terms(CHAT, c.chatIds().stream().map(UUID::toString).toList()), BooleanClause.Occur.FILTER);
        if (c.senderIds() != null) all.add(terms(SENDER, c.senderIds().stream().map(UUID::toString).toList()), BooleanClause.Occur.FILTER);
        SearchQuery q = c.query();
        if (q.from() != null || q.until() != null) {
            long lo = q.from() == null ? Long.MIN_VALUE : q.from().toEpochMilli();
            long hi = q.until() == null ? Long.MAX_VALUE : q.until().toEpochMilli() - 1;
            all.add(LongPoint.newRangeQuery(CREATED, lo, hi), BooleanClause.Occur.FILTER);
        }
        for (SearchQuery.Has h : q.has()) all.add(new TermQuery(new Term(FLAG, h.name().toLowerCase(java.util.Locale.ROOT))), BooleanClause.Occur.FILTER);
        if (q.threadsOnly()) all.add(new TermQuery(new Term(FLAG, "thread")), BooleanClause.Occur.FILTER);
        for (String m : q.mentionHandles()) all.add(new TermQuery(new Term(MENTION, m)), BooleanClause.Occur.FILTER);
        for (String t : q.excludedTerms()) addIfNotNull(all, new QueryBuilder(analyzer).createBooleanQuery(CONTENT, t), BooleanClause.Occur.MUST_NOT);
        for (String p : q.excludedPhrases()) addIfNotNull(all, new QueryBuilder(analyzer).createPhraseQuery(CONTENT, p), BooleanClause.Occur.MUST_NOT);
        Query query = all.build();
        SortField newest = new SortField(ORDER, SortField.Type.LONG, true);
        Sort sort = c.byRecency() || text == null ? new Sort(newest) : new Sort(SortField.FIELD_SCORE, newest);
        IndexSearcher searcher = null;
        try {
            searcher = searchers.acquire();
            TopDocs top = searcher.search(query, c.offset() + c.limit(), sort, true);
            ScoreDoc[] page = top.scoreDocs.length <= c.offset() ? new ScoreDoc[0]
                    : Arrays.copyOfRange(top.scoreDocs, c.offset(), top.scoreDocs.length);
            UnifiedHighlighter highlighter = text == null ? null : highlighter();
            List<Hit> hits = new ArrayList<>(page.length);
            for (int i = 0; i < page.length; i++) {
                Document d = searcher.storedFields().document(page[i].doc);
                UUID id = uuidOf(d.getBinaryValue(ID));
                String content = contentOf.apply(id);
                String frag = content == null ? null : highlighter == null ? escapeStart(content)
                        : String.valueOf(highlighter.highlightWithoutSearcher(CONTENT, text, content, MAX_PASSAGES));
                if (frag == null || frag.equals("null")) frag = escapeStart(content);
                hits.add(new Hit(id, UUID.fromString(d.get(CHAT)),
                        Float.isNaN(page[i].score) ? 0f : page[i].score, frag == null ? List.of() : List.of(frag.split("\u2026", -1)).stream()
                        .map(String::strip).filter(s -> !s.isEmpty()).toList()));
            }
            return new Page(hits, top.totalHits.value());
        } catch (IOException e) {
            throw ParleyException.unavailable("search is temporarily unavailable", 5, e);
        } finally {
            if (searcher != null) {
                try {
                    searchers.release(searcher);
                } catch (IOException ignored) {
                    // nothing to do: the searcher is closed with the manager
                }
            }
        }
    }

    /** {@return a message id as a 16-byte term} */
    private static BytesRef idTerm(UUID id) {
        byte[] b = java.nio.ByteBuffer.allocate(16).putLong(id.getMostSignificantBits()).putLong(id.getLeastSignificantBits()).array();
        return new BytesRef(b);
    }

    private static UUID uuidOf(BytesRef b) {
        java.nio.ByteBuffer buf = java.nio.ByteBuffer.wrap(b.bytes, b.offset, b.length);
        return new UUID(buf.getLong(), buf.getLong());
    }

    /** Highlights text handed to it (the store's content), not stored fields: the index stores no content. */
    private UnifiedHighlighter highlighter() {
        return UnifiedHighlighter.builderWithoutSearcher(analyzer)
                .withFormatter(new DefaultPassageFormatter("<mark>", "</mark>", "\u2026", true))
                .withMaxLength(Integer.MAX_VALUE - 1)
                .build();
    }

    /** The text part: every word and phrase must match (words stemmed). {@return null for a filters-only query} */
    private Query textQuery(SearchQuery q) {
        if (!q.hasText()) return null;
        QueryBuilder qb = new QueryBuilder(analyzer);
        BooleanQuery.Builder b = new BooleanQuery.Builder();
        int clauses = 0;
        for (String t : q.terms()) clauses += addIfNotNull(b, qb.createBooleanQuery(CONTENT, t, BooleanClause.Occur.MUST), BooleanClause.Occur.MUST);
        for (String p : q.phrases()) clauses += addIfNotNull(b, qb.createPhraseQuery(CONTENT, p), BooleanClause.Occur.MUST);
        // only stop words ("the", "a"): nothing can match them
        return clauses == 0 ? new MatchNoDocsQuery("only stop words") : b.build();
    }

    private static int addIfNotNull(BooleanQuery.Builder b, Query q, BooleanClause.Occur occur) {
        if (q == null) return 0;
        b.add(q, occur);
        return 1;
    }

    private static Query terms(String field, Collection<String> values) {
        return new TermInSetQuery(field, values.stream().map(BytesRef::new).toList());
    }

    /** The beginning of a message, HTML-escaped, for hits that matched on filters only. */
    private static String escapeStart(String content) {
        if (content == null) return null;
        String s = content.length() > 160 ? content.substring(0, 160) + "\u2026" : content;
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;").replace("'", "&#x27;");
    }

    @Override
    public boolean ready() {
        return ready;
    }

    @Override
    public void flush() {
        refresh();
        commit();
    }

    private void refresh() {
        try {
            searchers.maybeRefresh();
        } catch (IOException | RuntimeException e) {
            log.warn("search index refresh failed", e);
        }
    }

    /**
     * Commits the documents with the checkpoint as it was before the commit began: every event it counts was
     * indexed before, so the commit holds its documents (it may hold a few more, which a resume re-applies).
     */
    private synchronized void commit() {
        try {
            if (checkpointMoved) {
                checkpointMoved = false;
                writer.setLiveCommitData(trusted ? Map.of(CHECKPOINT, encode(Map.copyOf(checkpoint))).entrySet() : Map.<String, String>of().entrySet());
            }
            if (writer.hasUncommittedChanges()) writer.commit();
        } catch (IOException | RuntimeException e) {
            checkpointMoved = true;
            log.warn("search index commit failed", e);
        }
    }

    /** Commits (with the checkpoint) and closes. */
    @Override
    public void close() {
        // Never interrupt a thread inside Lucene: an interrupted file channel is a "tragic" error that
        // closes the writer. Let the refresher finish its current pass instead.
        refresher.shutdown();
        try {
            refresher.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            commit();
            searchers.close();
            writer.close();
            directory.close();
        } catch (IOException | RuntimeException e) {
            log.warn("closing the search index failed; it will be rebuilt on next start", e);
        }
    }
}
