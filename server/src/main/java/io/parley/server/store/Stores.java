package io.parley.server.store;

import io.parley.core.notify.PreferenceStore;
import io.parley.core.notify.UnreadStore;
import io.parley.core.store.ChatStore;
import io.parley.core.store.MessageLog;
import io.parley.core.store.SessionStore;
import io.parley.core.store.StoreHealth;
import io.parley.core.store.UserStore;
import io.parley.core.store.WorkspaceStore;
import io.parley.server.push.PushStore;
import org.flywaydb.core.Flyway;

import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Objects;

/**
 * One open database and the stores over it: opening migrates the schema (Flyway), closing drains the log
 * writer and closes the pools. Wire it once in the app and pass the ports on.
 */
public final class Stores implements AutoCloseable {
    private final Db db;
    private final String podId;
    private final LogWriter writer;
    private final UserStore users;
    private final SessionStore sessions;
    private final WorkspaceStore workspaces;
    private final ChatStore chats;
    private final MessageLog messages;
    private final StoreHealth health;
    private final PushStore push;
    private final PreferenceStore preferences;
    private final UnreadStore unread;
    private final io.parley.core.files.FileStore files;
    private final io.parley.core.webhook.WebhookStore webhooks;
    private final io.parley.server.federation.link.PodStore pods;
    private final io.parley.server.federation.org.OrgStore orgs;
    private final io.parley.server.federation.resilient.ResilientStore resilient;

    private Stores(Db db, String podId, int writerBatchMax) {
        this.db = db;
        this.podId = podId;
        this.writer = new LogWriter(db, writerBatchMax);
        this.users = new SqlUserStore(db);
        this.sessions = new SqlSessionStore(db);
        this.workspaces = new SqlWorkspaceStore(db);
        this.chats = new SqlChatStore(db);
        this.messages = new SqlMessageLog(db, writer);
        this.health = this::ping;
        this.push = new SqlPushStore(db);
        this.preferences = new SqlPreferenceStore(db);
        this.unread = new SqlUnreadStore(db);
        this.files = new SqlFileStore(db);
        this.webhooks = new SqlWebhookStore(db);
        this.pods = new SqlPodStore(db);
        this.orgs = new SqlOrgStore(db);
        this.resilient = new SqlResilientStore(db);
    }

    /**
     * Opens the database, applies pending migrations and starts the log writer.
     *
     * @param podId this pod's id (for diagnostics; messages carry their origin pod themselves)
     * @throws io.parley.core.error.ParleyException UNAVAILABLE if the database cannot be reached
     */
    public static Stores open(StoreConfig cfg, String podId) {
        Objects.requireNonNull(cfg, "cfg");
        Objects.requireNonNull(podId, "podId");
        Db db = Db.open(cfg);
        try {
            Flyway.configure()
                    .dataSource(db.migrationDataSource())
                    // One schema text for both databases; db/migration/postgresql holds what only PostgreSQL
                    // has (full-text search).
                    .locations(cfg.kind() == StoreKind.POSTGRES
                            ? new String[]{"classpath:db/migration/common", "classpath:db/migration/postgresql"}
                            : new String[]{"classpath:db/migration/common"})
                    .load()
                    .migrate();
            Stores stores = new Stores(db, podId, cfg.writerBatchMax());
            stores.writer.start();
            return stores;
        } catch (RuntimeException e) {
            db.close();
            if (Db.isConnectivity(e)) {
                throw io.parley.core.error.ParleyException.unavailable("database unavailable", cfg.busyRetryAfterSeconds(), e);
            }
            throw e;
        }
    }

    public UserStore users() { return users; }

    /** {@return the PostgreSQL full-text index over this store} @throws IllegalStateException on SQLite (it uses Lucene) */
    public io.parley.core.search.SearchIndex fullTextIndex() {
        if (kind() != StoreKind.POSTGRES) throw new IllegalStateException("full-text search in the store needs PostgreSQL");
        return new PgSearchIndex(db);
    }

    public SessionStore sessions() { return sessions; }

    public WorkspaceStore workspaces() { return workspaces; }

    public ChatStore chats() { return chats; }

    public MessageLog messages() { return messages; }

    public StoreHealth health() { return health; }

    /** {@return Web Push subscriptions, queue and server keys} */
    public PushStore push() { return push; }

    /** {@return notification preferences} */
    public PreferenceStore preferences() { return preferences; }

    /** {@return unread and mention counts, derived from the log} */
    public UnreadStore unread() { return unread; }

    /** {@return file metadata} */
    public io.parley.core.files.FileStore files() { return files; }

    /**
     * {@return a blob store in this database (PostgreSQL), staging uploads in {@code staging}}
     * @throws IllegalStateException on SQLite (it keeps files on disk)
     */
    public io.parley.core.files.BlobStore databaseBlobs(java.nio.file.Path staging) throws java.io.IOException {
        if (kind() != StoreKind.POSTGRES) throw new IllegalStateException("blobs in the database need PostgreSQL");
        return new PgBlobStore(db, staging);
    }

    /** {@return incoming webhooks} */
    public io.parley.core.webhook.WebhookStore webhooks() { return webhooks; }

    /** {@return the pod layer's tables: identity, peers, invitations, nonces} */
    public io.parley.server.federation.link.PodStore pods() { return pods; }

    /** {@return orgs and org-shared channels} */
    public io.parley.server.federation.org.OrgStore orgs() { return orgs; }

    /** {@return resilient channels: configuration, keys, replica cursors and sealed replica logs} */
    public io.parley.server.federation.resilient.ResilientStore resilient() { return resilient; }

    public StoreKind kind() { return db.kind(); }

    /** {@return the pod these stores belong to} */
    public String podId() { return podId; }

    private long ping() {
        long start = System.nanoTime();
        try {
            db.read(c -> {
                try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT 1")) {
                    return rs.next();
                }
            });
            return Math.max(0, (System.nanoTime() - start) / 1_000_000);
        } catch (RuntimeException e) {
            return -1;
        }
    }

    @Override
    public void close() {
        writer.close();
        db.close();
    }

    /** {@return the database, for tests in this package} */
    Db db() { return db; }
}
