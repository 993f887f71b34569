package io.parley.core.files;

import java.text.Normalizer;

/**
 * Makes a client's file name safe to store, show and put in a {@code Content-Disposition} header: no
 * directories, no control or bidirectional-override characters, no leading dots, at most
 * {@link #MAX_LENGTH} characters with the extension kept, never empty.
 */
public final class FileNames {
    /** Longest name kept, in characters. */
    public static final int MAX_LENGTH = 200;

    private FileNames() {}

    /** {@return the sanitised name; {@code "file"} when nothing usable is left} */
    public static String sanitise(String raw) {
        if (raw == null) return "file";
        String s = Normalizer.normalize(raw, Normalizer.Form.NFC);
        int slash = Math.max(s.lastIndexOf('/'), s.lastIndexOf('\\'));
        if (slash >= 0) s = s.substring(slash + 1);
        StringBuilder b = new StringBuilder(s.length());
        s.codePoints().forEach(cp -> {
            if (Character.isISOControl(cp) || isInvisible(cp)) return;
            b.appendCodePoint(switch (cp) {
                case '"', '<', '>', ':', '|', '?', '*' -> '_';
                default -> cp;
            });
        });
        String out = b.toString().strip();
        while (out.startsWith(".")) out = out.substring(1);
        out = out.strip();
        if (out.isEmpty()) return "file";
        if (out.codePointCount(0, out.length()) > MAX_LENGTH) out = clip(out);
        return out;
    }

    /** Bidirectional overrides and isolates (which can disguise "exe.txt" as "txt.exe"), zero-width characters. */
    private static boolean isInvisible(int cp) {
        return (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069) || cp == 0x200B || cp == 0x200C
                || cp == 0x200D || cp == 0x200E || cp == 0x200F || cp == 0xFEFF || cp == 0x061C;
    }

    private static String clip(String name) {
        int dot = name.lastIndexOf('.');
        String ext = dot > 0 && name.length() - dot <= 16 ? name.substring(dot) : "";
        String base = ext.isEmpty() ? name : name.substring(0, dot);
        int keep = MAX_LENGTH - ext.length();
        return base.substring(0, base.offsetByCodePoints(0, Math.min(keep, base.codePointCount(0, base.length())))) + ext;
    }
}
