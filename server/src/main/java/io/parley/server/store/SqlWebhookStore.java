package io.parley.server.store;

import io.parley.core.webhook.Webhook;
import io.parley.core.webhook.WebhookStore;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** The {@code webhooks} table. */
final class SqlWebhookStore implements WebhookStore {
    private static final String COLUMNS = "id, workspace_id, chat_id, name, icon_emoji, icon_url, token_hash, owner_id, created_at";
    private static final String INSERT = "INSERT INTO webhooks (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";
    private static final String BY_ID = "SELECT " + COLUMNS + " FROM webhooks WHERE id = ?";
    private static final String BY_TOKEN = "SELECT " + COLUMNS + " FROM webhooks WHERE token_hash = ?";
    private static final String IN_WORKSPACE = "SELECT " + COLUMNS + " FROM webhooks WHERE workspace_id = ? ORDER BY created_at, id";
    private static final String ROTATE = "UPDATE webhooks SET token_hash = ? WHERE id = ?";
    private static final String DELETE = "DELETE FROM webhooks WHERE id = ?";

    private final Db db;

    SqlWebhookStore(Db db) {
        this.db = db;
    }

    @Override
    public void insert(Webhook h) {
        db.write(c -> Sql.update(c, INSERT, a -> a.uuid(h.id()).uuid(h.workspaceId()).uuid(h.chatId()).text(h.name()).text(h.iconEmoji())
                .text(h.iconUrl()).text(h.tokenHash()).uuid(h.ownerId()).instant(h.createdAt())));
    }

    @Override
    public Optional<Webhook> byId(UUID id) {
        return db.read(c -> Sql.one(c, BY_ID, a -> a.uuid(id), SqlWebhookStore::map));
    }

    @Override
    public Optional<Webhook> byTokenHash(String tokenHash) {
        return db.read(c -> Sql.one(c, BY_TOKEN, a -> a.text(tokenHash), SqlWebhookStore::map));
    }

    @Override
    public List<Webhook> inWorkspace(UUID workspaceId) {
        return db.read(c -> Sql.list(c, IN_WORKSPACE, a -> a.uuid(workspaceId), SqlWebhookStore::map));
    }

    @Override
    public boolean rotate(UUID id, String tokenHash) {
        return db.write(c -> Sql.update(c, ROTATE, a -> a.text(tokenHash).uuid(id)) == 1);
    }

    @Override
    public boolean delete(UUID id) {
        return db.write(c -> Sql.update(c, DELETE, a -> a.uuid(id)) == 1);
    }

    private static Webhook map(ResultSet rs) throws SQLException {
        return new Webhook(Cols.uuid(rs, "id"), Cols.uuid(rs, "workspace_id"), Cols.uuid(rs, "chat_id"), rs.getString("name"),
                rs.getString("icon_emoji"), rs.getString("icon_url"), rs.getString("token_hash"), Cols.uuid(rs, "owner_id"),
                Cols.instant(rs, "created_at"));
    }
}
