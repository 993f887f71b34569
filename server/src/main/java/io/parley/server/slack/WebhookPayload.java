package io.parley.server.slack;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.parley.core.webhook.IncomingPost;
import io.parley.server.http.WellFormedJsonFactory;

import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

/**
 * An incoming-webhook request body as Slack accepts it: {@code application/json}, or
 * {@code application/x-www-form-urlencoded} with the JSON in {@code payload=}, or no content type at all
 * (then whichever of the two it is). Like Slack, unknown fields are ignored (Alertmanager and Grafana send
 * {@code callback_id}, {@code footer_icon}, {@code actions} …); known fields of the wrong type, a body that
 * is neither form, or text that is not Unicode (bytes that are not UTF-8, percent-encoded or not; a string with an
 * unpaired surrogate) are {@code invalid_payload}; a payload with nothing to show is {@code no_text}.
 *
 * <p>What is shown: the blocks when there are any (Slack then treats {@code text} as the notification
 * fallback), else the text; then the attachments, each as a card of lines.
 */
public final class WebhookPayload {
    /** Lenient about shape as Slack is, but not about text: strings with unpaired surrogates are refused. */
    private static final ObjectMapper JSON = new ObjectMapper(new WellFormedJsonFactory());
    private static final List<String> STRINGS = List.of("text", "username", "icon_emoji", "icon_url", "channel");

    /** A refused payload, with the plain-text error Slack would answer and its status. */
    public static final class Refused extends RuntimeException {
        private final int status;

        Refused(int status, String error) {
            super(error, null, false, false);
            this.status = status;
        }

        public int status() { return status; }

        /** {@return the Slack error word: invalid_payload, no_text} */
        public String error() { return getMessage(); }
    }

    private WebhookPayload() {}

    /** Parses and renders a request body. @throws Refused for a body Slack would refuse */
    public static IncomingPost parse(String contentType, byte[] body) {
        JsonNode root = root(contentType, body);
        if (!root.isObject()) throw invalid();
        for (String f : STRINGS) if (root.has(f) && !root.get(f).isNull() && !root.get(f).isTextual()) throw invalid();
        for (String f : List.of("blocks", "attachments")) if (root.has(f) && !root.get(f).isNull() && !arrayOfObjects(root.get(f))) throw invalid();
        JsonNode ts = root.path("thread_ts");
        if (!ts.isMissingNode() && !ts.isNull() && !ts.isTextual() && !ts.isNumber()) throw invalid();

        Mrkdwn.Mentions mentions = new Mrkdwn.Mentions();
        String main = root.path("blocks").isArray() && !root.path("blocks").isEmpty()
                ? Layout.blocks(root.get("blocks"), mentions)
                : Mrkdwn.convert(root.path("text").asText(""), mentions);
        String cards = root.path("attachments").isArray() ? Layout.attachments(root.get("attachments"), mentions) : "";
        String text = (main.strip() + (main.isBlank() || cards.isBlank() ? "" : "\n") + cards).strip();
        if (text.isEmpty()) throw new Refused(400, "no_text");
        return new IncomingPost(text, nonBlank(root, "channel"), ts.isMissingNode() || ts.isNull() ? null : ts.asText(),
                nonBlank(root, "username"), nonBlank(root, "icon_emoji"), nonBlank(root, "icon_url"), linkNames(root.path("link_names")),
                mentions.handles, mentions.channel, mentions.here);
    }

    private static JsonNode root(String contentType, byte[] body) {
        String type = contentType == null ? "" : contentType.toLowerCase(Locale.ROOT).split(";", 2)[0].strip();
        String text = utf8(body).strip();
        boolean form = switch (type) {
            case "application/x-www-form-urlencoded" -> true;
            case "application/json", "text/json" -> false;
            default -> !text.startsWith("{") && text.startsWith("payload=");
        };
        if (form) text = formPayload(text);
        try {
            return JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw invalid();
        }
    }

    /** {@return the payload= field of a form body} */
    private static String formPayload(String form) {
        for (String pair : form.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0 && pair.substring(0, eq).equals("payload")) return utf8(percentDecoded(pair.substring(eq + 1)));
        }
        throw invalid();
    }

    /**
     * {@return a form value's bytes: '+' is a space, %XX a byte} Decoded to bytes first and checked as UTF-8 after,
     * because {@code URLDecoder} turns bytes that are not UTF-8 ({@code %ED%A0%80}) into U+FFFD without a word.
     */
    private static byte[] percentDecoded(String value) {
        byte[] in = value.getBytes(StandardCharsets.UTF_8);
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(in.length);
        for (int i = 0; i < in.length; i++) {
            if (in[i] == '+') {
                out.write(' ');
            } else if (in[i] == '%') {
                int hi = i + 2 < in.length ? Character.digit(in[i + 1], 16) : -1;
                int lo = hi < 0 ? -1 : Character.digit(in[i + 2], 16);
                if (lo < 0) throw invalid();
                out.write(hi << 4 | lo);
                i += 2;
            } else {
                out.write(in[i]);
            }
        }
        return out.toByteArray();
    }

    private static String utf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(java.nio.ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw invalid();
        }
    }

    private static boolean arrayOfObjects(JsonNode n) {
        if (!n.isArray()) return false;
        for (JsonNode e : n) if (!e.isObject()) return false;
        return true;
    }

    /** link_names as Slack takes it: true, 1, "1" or "true". */
    private static boolean linkNames(JsonNode v) {
        if (v.isBoolean()) return v.asBoolean();
        if (v.isNumber()) return v.asInt() == 1;
        return v.isTextual() && (v.asText().equals("1") || v.asText().equalsIgnoreCase("true"));
    }

    private static String nonBlank(JsonNode root, String field) {
        JsonNode v = root.path(field);
        return v.isTextual() && !v.asText().isBlank() ? v.asText().strip() : null;
    }

    private static Refused invalid() {
        return new Refused(400, "invalid_payload");
    }
}
