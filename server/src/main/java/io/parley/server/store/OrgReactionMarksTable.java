package io.parley.server.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.UUID;

/**
 * The {@code org_reaction_marks} table (V65): per message, remote user and emoji, whether the reaction is present after
 * the latest op on it, and that op's hlc, so a late, older add or remove does not undo a newer one.
 */
final class OrgReactionMarksTable {
    private static final String HLC = "SELECT hlc FROM org_reaction_marks WHERE message_id = ? AND user_id = ? AND emoji = ?";
    private static final String SET = "INSERT INTO org_reaction_marks (message_id, user_id, emoji, present, hlc)"
            + " VALUES (?, ?, ?, ?, ?) ON CONFLICT (message_id, user_id, emoji) DO UPDATE SET present = excluded.present,"
            + " hlc = excluded.hlc WHERE org_reaction_marks.hlc < excluded.hlc";

    private OrgReactionMarksTable() {}

    /** {@return the hlc of the latest op on the reaction, or -1 if none} */
    static long hlc(Connection c, UUID messageId, UUID userId, String emoji) throws SQLException {
        return Sql.longOr(c, HLC, a -> a.uuid(messageId).uuid(userId).text(emoji), -1L);
    }

    /** Records an op on the reaction unless a newer (or the same) hlc is recorded. */
    static void set(Connection c, UUID messageId, UUID userId, String emoji, boolean present, long hlc) throws SQLException {
        Sql.update(c, SET, a -> a.uuid(messageId).uuid(userId).text(emoji).bool(present).num(hlc));
    }
}
