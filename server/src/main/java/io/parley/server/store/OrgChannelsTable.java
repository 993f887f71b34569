package io.parley.server.store;

import io.parley.server.federation.org.OrgDirectory.OrgChannel;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** The {@code org_channels} table (V65): org-shared channels, each mapped to at most one local chat. */
final class OrgChannelsTable {
    private static final String COLS = "id, org_id, name, offered_by, is_private, created_at, chat_id";
    private static final String INSERT = "INSERT INTO org_channels (" + COLS + ") VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING";
    private static final String ALL = "SELECT " + COLS + " FROM org_channels ORDER BY id";
    private static final String BY_ID = "SELECT " + COLS + " FROM org_channels WHERE id = ?";
    private static final String BY_CHAT = "SELECT " + COLS + " FROM org_channels WHERE chat_id = ?";
    // "chat_id IS NULL": a channel is mapped once; a second admin's mapping loses.
    private static final String MAP = "UPDATE org_channels SET chat_id = ? WHERE id = ? AND chat_id IS NULL";
    // The mapped org chats in which the user posted or reacted (a remote reaction leaves a mark, a local one a row).
    private static final String CHATS_OF_USER = "SELECT oc.chat_id FROM org_channels oc WHERE oc.chat_id IS NOT NULL AND ("
            + "EXISTS (SELECT 1 FROM messages m WHERE m.sender_id = ? AND m.chat_id = oc.chat_id)"
            + " OR EXISTS (SELECT 1 FROM org_reaction_marks r JOIN messages m ON m.id = r.message_id"
            + " WHERE r.user_id = ? AND m.chat_id = oc.chat_id))";

    private OrgChannelsTable() {}

    /** {@return whether the channel was new} (an existing id is kept as it is) */
    static boolean insert(Connection c, OrgChannel ch) throws SQLException {
        return Sql.update(c, INSERT, a -> a.text(ch.id()).text(ch.orgId()).text(ch.name()).text(ch.offeredBy()).bool(ch.isPrivate())
                .instant(ch.createdAt()).uuid(ch.chatId())) == 1;
    }

    static Optional<OrgChannel> byId(Connection c, String id) throws SQLException {
        return Sql.one(c, BY_ID, a -> a.text(id), OrgChannelsTable::row);
    }

    static Optional<OrgChannel> byChat(Connection c, UUID chatId) throws SQLException {
        return Sql.one(c, BY_CHAT, a -> a.uuid(chatId), OrgChannelsTable::row);
    }

    static List<OrgChannel> all(Connection c) throws SQLException {
        return Sql.list(c, ALL, Sql.NONE, OrgChannelsTable::row);
    }

    /** {@return false if the channel is mapped already, or unknown} */
    static boolean map(Connection c, String id, UUID chatId) throws SQLException {
        return Sql.update(c, MAP, a -> a.uuid(chatId).text(id)) == 1;
    }

    static List<UUID> chatsOfUser(Connection c, UUID userId) throws SQLException {
        return Sql.list(c, CHATS_OF_USER, a -> a.uuid(userId).uuid(userId), rs -> Cols.uuid(rs, "chat_id"));
    }

    private static OrgChannel row(ResultSet rs) throws SQLException {
        return new OrgChannel(rs.getString("id"), rs.getString("org_id"), rs.getString("name"), rs.getString("offered_by"),
                Cols.bool(rs, "is_private"), Cols.instant(rs, "created_at"), Cols.uuid(rs, "chat_id"));
    }
}
