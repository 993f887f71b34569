package io.parley.server.slack;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/**
 * Block Kit blocks and legacy attachments rendered to Parley text, one part per line, so that what Slack
 * would show as a card reads the same as text: headers in bold, sections and their fields, context
 * lines, dividers, images as their alt text and link; an attachment as pretext, author, bold title with
 * its link, text, "*Field*: value" lines, image, footer and time. Unknown block types and interactive
 * elements (buttons) are left out, as a client without them would.
 */
final class Layout {
    private static final DateTimeFormatter TS = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC);
    /** 9999-12-31T23:59:59Z, the last attachment {@code ts} shown. */
    private static final long LAST_SECOND = 253_402_300_799L;

    private Layout() {}

    static String blocks(JsonNode blocks, Mrkdwn.Mentions mentions) {
        List<String> parts = new ArrayList<>();
        for (JsonNode b : blocks) {
            String type = b.path("type").asText("");
            String part = switch (type) {
                case "header" -> bold(plain(b.path("text")));
                case "section" -> section(b, mentions);
                case "context" -> context(b.path("elements"), mentions);
                case "divider" -> "———";
                case "image" -> image(b.path("title").path("text").asText(b.path("alt_text").asText("")), b.path("image_url").asText(""));
                case "rich_text" -> richText(b.path("elements"), mentions);
                default -> "";
            };
            if (!part.isBlank()) parts.add(part);
        }
        return String.join("\n", parts);
    }

    static String attachments(JsonNode attachments, Mrkdwn.Mentions mentions) {
        List<String> cards = new ArrayList<>();
        for (JsonNode a : attachments) {
            String card = attachment(a, mentions);
            if (!card.isBlank()) cards.add(card);
        }
        return String.join("\n\n", cards);
    }

    private static String attachment(JsonNode a, Mrkdwn.Mentions mentions) {
        List<String> lines = new ArrayList<>();
        add(lines, text(a.path("pretext"), mentions));
        String author = str(a, "author_name");
        if (!author.isEmpty()) add(lines, link(author, str(a, "author_link")));
        String title = Mrkdwn.unescape(str(a, "title"));
        if (!title.isEmpty()) add(lines, link(bold(title), str(a, "title_link")));
        add(lines, text(a.path("text"), mentions));
        for (JsonNode f : a.path("fields")) {
            String t = str(f, "title");
            String v = text(f.path("value"), mentions);
            if (t.isEmpty() && v.isEmpty()) continue;
            lines.add(t.isEmpty() ? v : v.isEmpty() ? bold(t) : bold(t) + ": " + v);
        }
        add(lines, str(a, "image_url").isEmpty() ? str(a, "thumb_url") : str(a, "image_url"));
        String footer = str(a, "footer");
        String when = ts(a.path("ts"));
        if (!footer.isEmpty() || !when.isEmpty()) add(lines, footer.isEmpty() ? when : when.isEmpty() ? footer : footer + " · " + when);
        if (lines.isEmpty()) add(lines, str(a, "fallback")); // a card of only a fallback still says something
        return String.join("\n", lines);
    }

    private static String section(JsonNode b, Mrkdwn.Mentions mentions) {
        List<String> lines = new ArrayList<>();
        add(lines, textObject(b.path("text"), mentions));
        for (JsonNode f : b.path("fields")) add(lines, textObject(f, mentions));
        return String.join("\n", lines);
    }

    private static String context(JsonNode elements, Mrkdwn.Mentions mentions) {
        List<String> parts = new ArrayList<>();
        for (JsonNode e : elements) {
            String t = e.path("type").asText("").equals("image") ? e.path("alt_text").asText("") : textObject(e, mentions);
            if (!t.isBlank()) parts.add(t);
        }
        return String.join(" · ", parts);
    }

    /** rich_text: sections, lists, quotes and preformatted runs of text, link, user, channel and emoji elements. */
    private static String richText(JsonNode elements, Mrkdwn.Mentions mentions) {
        List<String> lines = new ArrayList<>();
        for (JsonNode e : elements) {
            String inline = inline(e.path("elements"), mentions);
            switch (e.path("type").asText("")) {
                case "rich_text_quote" -> lines.add("> " + inline.replace("\n", "\n> "));
                case "rich_text_preformatted" -> lines.add("```\n" + inline + "\n```");
                case "rich_text_list" -> {
                    for (JsonNode item : e.path("elements")) lines.add("• " + inline(item.path("elements"), mentions));
                }
                default -> lines.add(inline);
            }
        }
        return String.join("\n", lines);
    }

    private static String inline(JsonNode elements, Mrkdwn.Mentions mentions) {
        StringBuilder b = new StringBuilder();
        for (JsonNode e : elements) {
            switch (e.path("type").asText("")) {
                case "text" -> {
                    String t = e.path("text").asText("");
                    JsonNode style = e.path("style");
                    if (style.path("code").asBoolean()) t = "`" + t + "`";
                    if (style.path("bold").asBoolean()) t = bold(t);
                    if (style.path("italic").asBoolean()) t = "_" + t + "_";
                    b.append(t);
                }
                case "link" -> b.append(link(e.path("text").asText(""), e.path("url").asText("")));
                case "user" -> {
                    String id = e.path("user_id").asText("");
                    mentions.handles.add(id.toLowerCase(java.util.Locale.ROOT));
                    b.append('@').append(id);
                }
                case "channel" -> b.append('#').append(e.path("channel_id").asText(""));
                case "broadcast" -> {
                    String range = e.path("range").asText("");
                    if (range.equals("here")) mentions.here = true;
                    else mentions.channel = true;
                    b.append(range.equals("here") ? "@here" : "@channel");
                }
                case "emoji" -> b.append(':').append(e.path("name").asText("")).append(':');
                default -> { }
            }
        }
        return b.toString();
    }

    /** A Block Kit text object: mrkdwn is converted, plain_text taken as it is. */
    private static String textObject(JsonNode t, Mrkdwn.Mentions mentions) {
        if (t.isTextual()) return Mrkdwn.convert(t.asText(), mentions);
        if (!t.isObject()) return "";
        String s = t.path("text").asText("");
        return "plain_text".equals(t.path("type").asText()) ? s : Mrkdwn.convert(s, mentions);
    }

    private static String plain(JsonNode t) {
        return t.isTextual() ? t.asText() : t.path("text").asText("");
    }

    private static String text(JsonNode v, Mrkdwn.Mentions mentions) {
        return v.isTextual() ? Mrkdwn.convert(v.asText(), mentions).strip() : v.isNumber() ? v.asText() : "";
    }

    private static String str(JsonNode o, String field) {
        JsonNode v = o.path(field);
        return v.isTextual() || v.isNumber() ? v.asText().strip() : "";
    }

    private static String ts(JsonNode v) {
        if (!v.isNumber() && !(v.isTextual() && v.asText().matches("\\d{1,12}(\\.\\d+)?"))) return "";
        double seconds = Double.parseDouble(v.asText());
        // Past the year 9999 (1e300, say) is no time to show, and Instant cannot hold the far end of a double.
        if (!(seconds >= 0 && seconds <= LAST_SECOND)) return "";
        return TS.format(Instant.ofEpochSecond((long) seconds));
    }

    private static String bold(String s) {
        String t = s.strip();
        return t.isEmpty() ? "" : "*" + t + "*";
    }

    private static String link(String label, String url) {
        if (url == null || url.isBlank()) return label;
        return label.isBlank() ? url : label + " (" + url + ")";
    }

    private static String image(String label, String url) {
        if (url == null || url.isBlank()) return "";
        return label == null || label.isBlank() ? url : label + ": " + url;
    }

    private static void add(List<String> lines, String s) {
        if (s != null && !s.isBlank()) lines.add(s);
    }
}
