package io.parley.server.store;

import io.parley.core.webhook.Webhook;
import io.parley.core.webhook.WebhookStore;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
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
        db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement(INSERT)) {
                Cols.uuid(ps, 1, h.id());
                Cols.uuid(ps, 2, h.workspaceId());
                Cols.uuid(ps, 3, h.chatId());
                ps.setString(4, h.name());
                ps.setString(5, h.iconEmoji());
                ps.setString(6, h.iconUrl());
                ps.setString(7, h.tokenHash());
                Cols.uuid(ps, 8, h.ownerId());
                Cols.instant(ps, 9, h.createdAt());
                ps.executeUpdate();
            }
            return null;
        });
    }

    @Override
    public Optional<Webhook> byId(UUID id) {
        return db.read(c -> one(c, BY_ID, id.toString()));
    }

    @Override
    public Optional<Webhook> byTokenHash(String tokenHash) {
        return db.read(c -> one(c, BY_TOKEN, tokenHash));
    }

    @Override
    public List<Webhook> inWorkspace(UUID workspaceId) {
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement(IN_WORKSPACE)) {
                Cols.uuid(ps, 1, workspaceId);
                List<Webhook> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) out.add(map(rs));
                }
                return out;
            }
        });
    }

    @Override
    public boolean rotate(UUID id, String tokenHash) {
        return db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement(ROTATE)) {
                ps.setString(1, tokenHash);
                Cols.uuid(ps, 2, id);
                return ps.executeUpdate() == 1;
            }
        });
    }

    @Override
    public boolean delete(UUID id) {
        return db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement(DELETE)) {
                Cols.uuid(ps, 1, id);
                return ps.executeUpdate() == 1;
            }
        });
    }

    private static Optional<Webhook> one(Connection c, String sql, String key) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, key);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(map(rs)) : Optional.empty();
            }
        }
    }

    private static Webhook map(ResultSet rs) throws SQLException {
        return new Webhook(Cols.uuid(rs, "id"), Cols.uuid(rs, "workspace_id"), Cols.uuid(rs, "chat_id"), rs.getString("name"),
                rs.getString("icon_emoji"), rs.getString("icon_url"), rs.getString("token_hash"), Cols.uuid(rs, "owner_id"),
                Cols.instant(rs, "created_at"));
    }
}
