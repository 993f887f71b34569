package io.parley.core.files;

import io.parley.core.error.Input;

import java.text.Normalizer;

/**
 * Makes a client's file name safe to store, show and put in a {@code Content-Disposition} header: no
 * directories, none of the characters that hide or reorder text or control anything ({@link Input#withoutHidden}:
 * a name must not pass for another, "invoice" U+202E "fdp.exe" for "invoiceexe.pdf"), no leading dots, at most
 * {@link #MAX_LENGTH} characters with the extension kept, never empty.
 */
public final class FileNames {
    /** Longest name kept, in characters. */
    public static final int MAX_LENGTH = 200;

    private FileNames() {}

    /** {@return the sanitised name; {@code "file"} when nothing usable is left} */
    public static String sanitise(String raw) {
        if (raw == null) return "file";
        String s = Input.withoutHidden(Normalizer.normalize(raw, Normalizer.Form.NFC));
        int slash = Math.max(s.lastIndexOf('/'), s.lastIndexOf('\\'));
        if (slash >= 0) s = s.substring(slash + 1);
        StringBuilder b = new StringBuilder(s.length());
        s.codePoints().forEach(cp -> b.appendCodePoint(switch (cp) {
            case '"', '<', '>', ':', '|', '?', '*' -> '_';
            default -> cp;
        }));
        String out = b.toString().strip();
        while (out.startsWith(".")) out = out.substring(1);
        out = out.strip();
        if (out.isEmpty()) return "file";
        if (out.codePointCount(0, out.length()) > MAX_LENGTH) out = clip(out);
        return out;
    }

    private static String clip(String name) {
        int dot = name.lastIndexOf('.');
        String ext = dot > 0 && name.length() - dot <= 16 ? name.substring(dot) : "";
        String base = ext.isEmpty() ? name : name.substring(0, dot);
        int keep = MAX_LENGTH - ext.length();
        return base.substring(0, base.offsetByCodePoints(0, Math.min(keep, base.codePointCount(0, base.length())))) + ext;
    }
}
