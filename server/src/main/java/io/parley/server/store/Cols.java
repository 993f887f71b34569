package io.parley.server.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.parley.core.chat.Attachment;
import io.parley.core.chat.BotProfile;
import io.parley.core.chat.Mentions;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.UUID;

/**
 * Column conventions shared by every table: ids are canonical UUID text, instants epoch milliseconds,
 * booleans 0/1 integers, small lists JSON text. The same representation in SQLite and PostgreSQL keeps every
 * statement identical on both (a native {@code uuid} column would save 20 bytes a key on PostgreSQL but
 * need casts or a second copy of each statement).
 */
final class Cols {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Cols() {}

    static void uuid(PreparedStatement ps, int i, UUID id) throws SQLException {
        if (id == null) ps.setNull(i, Types.VARCHAR);
        else ps.setString(i, id.toString());
    }

    static UUID uuid(ResultSet rs, String col) throws SQLException {
        String s = rs.getString(col);
        return s == null ? null : UUID.fromString(s);
    }

    static UUID uuid(ResultSet rs, int col) throws SQLException {
        String s = rs.getString(col);
        return s == null ? null : UUID.fromString(s);
    }

    static void instant(PreparedStatement ps, int i, Instant at) throws SQLException {
        if (at == null) ps.setNull(i, Types.BIGINT);
        else ps.setLong(i, at.toEpochMilli());
    }

    static Instant instant(ResultSet rs, String col) throws SQLException {
        long v = rs.getLong(col);
        return rs.wasNull() ? null : Instant.ofEpochMilli(v);
    }

    static void bool(PreparedStatement ps, int i, boolean b) throws SQLException {
        ps.setInt(i, b ? 1 : 0);
    }

    static boolean bool(ResultSet rs, String col) throws SQLException {
        return rs.getInt(col) != 0;
    }

    /** {@return "?, ?, ?" with n placeholders} */
    static String placeholders(int n) {
        return String.join(", ", java.util.Collections.nCopies(n, "?"));
    }

    /** {@return the collection split into lists of at most {@code size}} (bind-parameter limits) */
    static <T> List<List<T>> chunks(Collection<T> all, int size) {
        List<T> list = List.copyOf(all);
        List<List<T>> out = new ArrayList<>();
        for (int i = 0; i < list.size(); i += size) out.add(list.subList(i, Math.min(list.size(), i + size)));
        return out;
    }

    private static final String NO_MENTIONS = "{\"handles\":[],\"channel\":false,\"here\":false}";

    static String mentionsJson(Mentions m) {
        if (m == Mentions.NONE || m.handles().isEmpty() && !m.channel() && !m.here()) return NO_MENTIONS; // most messages
        ObjectNode o = JSON.createObjectNode();
        ArrayNode handles = o.putArray("handles");
        m.handles().forEach(handles::add);
        o.put("channel", m.channel());
        o.put("here", m.here());
        return o.toString();
    }

    static Mentions mentions(String json) {
        if (json == null || json.isEmpty()) return Mentions.NONE;
        JsonNode o = parse(json);
        List<String> handles = new ArrayList<>();
        o.path("handles").forEach(h -> handles.add(h.asText()));
        boolean channel = o.path("channel").asBoolean(false);
        boolean here = o.path("here").asBoolean(false);
        if (handles.isEmpty() && !channel && !here) return Mentions.NONE;
        return new Mentions(handles, channel, here);
    }

    static String uuidsJson(List<UUID> ids) {
        ArrayNode a = JSON.createArrayNode();
        ids.forEach(id -> a.add(id.toString()));
        return a.toString();
    }

    static List<UUID> uuids(String json) {
        if (json == null || json.isEmpty()) return List.of();
        List<UUID> out = new ArrayList<>();
        parse(json).forEach(n -> out.add(UUID.fromString(n.asText())));
        return out;
    }

    static String attachmentsJson(List<Attachment> files) {
        if (files.isEmpty()) return "[]"; // most messages
        ArrayNode a = JSON.createArrayNode();
        for (Attachment f : files) {
            ObjectNode o = a.addObject();
            o.put("id", f.id().toString());
            o.put("name", f.name());
            o.put("contentType", f.contentType());
            o.put("size", f.size());
            if (f.width() != null) o.put("width", f.width());
            if (f.height() != null) o.put("height", f.height());
        }
        return a.toString();
    }

    static List<Attachment> attachments(String json) {
        if (json == null || json.isEmpty() || json.equals("[]")) return List.of();
        List<Attachment> out = new ArrayList<>();
        for (JsonNode o : parse(json)) {
            out.add(new Attachment(UUID.fromString(o.get("id").asText()), o.get("name").asText(),
                    o.get("contentType").asText(), o.get("size").asLong(),
                    o.hasNonNull("width") ? o.get("width").asInt() : null,
                    o.hasNonNull("height") ? o.get("height").asInt() : null));
        }
        return out;
    }

    static String botJson(BotProfile bot) {
        if (bot == null) return null;
        ObjectNode o = JSON.createObjectNode();
        o.put("name", bot.name());
        if (bot.iconEmoji() != null) o.put("iconEmoji", bot.iconEmoji());
        if (bot.iconUrl() != null) o.put("iconUrl", bot.iconUrl());
        return o.toString();
    }

    static BotProfile bot(String json) {
        if (json == null || json.isEmpty()) return null;
        JsonNode o = parse(json);
        return new BotProfile(o.get("name").asText(), o.hasNonNull("iconEmoji") ? o.get("iconEmoji").asText() : null,
                o.hasNonNull("iconUrl") ? o.get("iconUrl").asText() : null);
    }

    private static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("corrupt JSON column", e);
        }
    }
}
