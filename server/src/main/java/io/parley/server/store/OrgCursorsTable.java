package io.parley.server.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;

/**
 * The {@code org_cursors} table (V65, V82): per peer and org channel, the outbox's cursor ({@code last_seq}, the last
 * local seq it moved over) and the sent mark ({@code sent_seq}, the last op of the last batch the peer applied).
 */
final class OrgCursorsTable {
    private static final String CURSOR = "SELECT last_seq FROM org_cursors WHERE peer_id = ? AND org_channel_id = ?";
    private static final String SENT = "SELECT sent_seq FROM org_cursors WHERE peer_id = ? AND org_channel_id = ?";
    // Forward only: the cursor moves if the new one is past it; the sent mark only grows, and a 0 leaves it.
    private static final String ADVANCE = "INSERT INTO org_cursors (peer_id, org_channel_id, last_seq, sent_seq, updated_at)"
            + " VALUES (?, ?, ?, ?, ?) ON CONFLICT (peer_id, org_channel_id) DO UPDATE SET last_seq = excluded.last_seq,"
            + " sent_seq = CASE WHEN excluded.sent_seq > org_cursors.sent_seq THEN excluded.sent_seq ELSE org_cursors.sent_seq END,"
            + " updated_at = excluded.updated_at WHERE org_cursors.last_seq < excluded.last_seq";
    private static final String REWIND = "UPDATE org_cursors SET last_seq = ?, sent_seq = ?, updated_at = ?"
            + " WHERE peer_id = ? AND org_channel_id = ? AND sent_seq > ?";
    private static final String DELETE = "DELETE FROM org_cursors WHERE peer_id = ? AND org_channel_id = ?";

    private OrgCursorsTable() {}

    /** {@return the peer's cursor for the channel, 0 if none} */
    static long cursor(Connection c, String peer, String orgChannelId) throws SQLException {
        return Sql.longOr(c, CURSOR, a -> a.text(peer).text(orgChannelId), 0L);
    }

    /** {@return the peer's sent mark for the channel, 0 if none} */
    static long sent(Connection c, String peer, String orgChannelId) throws SQLException {
        return Sql.longOr(c, SENT, a -> a.text(peer).text(orgChannelId), 0L);
    }

    static void advance(Connection c, String peer, String orgChannelId, long seq, long sentSeq, Instant at) throws SQLException {
        Sql.update(c, ADVANCE, a -> a.text(peer).text(orgChannelId).num(seq).num(sentSeq).instant(at));
    }

    /** Moves the cursor and the sent mark back to {@code seq} if the sent mark is beyond it. */
    static void rewind(Connection c, String peer, String orgChannelId, long seq, Instant at) throws SQLException {
        Sql.update(c, REWIND, a -> a.num(seq).num(seq).instant(at).text(peer).text(orgChannelId).num(seq));
    }

    /** Forgets the peer's cursor for the channel: the outbox starts it over. */
    static void delete(Connection c, String peer, String orgChannelId) throws SQLException {
        Sql.update(c, DELETE, a -> a.text(peer).text(orgChannelId));
    }
}
