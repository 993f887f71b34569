package io.parley.server;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Iterator;
import java.util.Map;

/**
 * Checks the fuzz targets share. Unpaired surrogates ({@code "\ud800"} in JSON) are left out of their round-trip
 * properties: the input checks of issue 15 §1 refuse them as {@code malformed} everywhere, and that fix is made apart.
 */
public final class FuzzText {
    private FuzzText() {}

    /** {@return whether the text holds a UTF-16 surrogate without its pair} */
    public static boolean hasLoneSurrogate(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return true;
            }
        }
        return false;
    }

    /** {@return whether any field name or string value in the tree holds an unpaired surrogate} */
    public static boolean hasLoneSurrogate(JsonNode node) {
        if (node == null) return false;
        if (node.isTextual()) return hasLoneSurrogate(node.textValue());
        if (node.isArray()) {
            for (JsonNode e : node) if (hasLoneSurrogate(e)) return true;
        } else if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> f = it.next();
                if (hasLoneSurrogate(f.getKey()) || hasLoneSurrogate(f.getValue())) return true;
            }
        }
        return false;
    }
}
