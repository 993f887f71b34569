package io.parley.core.error;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Checks of user-supplied fields shared by every entry point; each failure names the field.
 *
 * <p>Names shown to others (display names, workspace names, topics, purposes, bot names) may not hold characters
 * that hide or reorder text, because those let one name pass for another: "report", U+202E, "fdp.exe" shows as
 * "reportexe.pdf". What counts as hidden:
 * <ul>
 *   <li>format characters (Unicode category Cf): bidirectional embeddings, overrides and isolates (U+202A–U+202E,
 *       U+2066–U+2069), bidi marks (U+200E, U+200F, U+061C), zero-width space, joiners and word joiner (U+200B–U+200D,
 *       U+2060), U+FEFF, U+180E, the soft hyphen, invisible operators, tag characters …;</li>
 *   <li>other characters that show nothing: the combining grapheme joiner, Hangul fillers, Khmer inherent vowels;</li>
 *   <li>control characters and line or paragraph separators;</li>
 *   <li>a variation selector that follows another (one after a character picks its form; a run of them only carries
 *       hidden data).</li>
 * </ul>
 * Exempt, because text needs them: a ZWJ inside an emoji ZWJ sequence ("Ana 👩‍💻"), the tag characters
 * of an emoji tag sequence (the flag of Scotland), and ZWNJ/ZWJ between two letters of a script that joins or forms
 * conjuncts (Persian, Devanagari) — but not Latin, Greek or Cyrillic, where they only hide.
 * A person's own input is refused ({@link #name}); names an integration or another pod sends are cleaned
 * ({@link #withoutHidden}), so that a webhook's configuration does not break over an invisible character.
 */
public final class Input {
    private static final Pattern EMAIL = Pattern.compile("^[^@\\s]{1,64}@[^@\\s]{1,255}\\.[^@\\s]{1,63}$");
    private static final Pattern HANDLE = Pattern.compile("^[a-z0-9][a-z0-9._-]{1,39}$");
    private static final Pattern CHANNEL_NAME = Pattern.compile("^[a-z0-9][a-z0-9_-]{0,79}$");
    private static final Pattern SLUG = Pattern.compile("^[a-z0-9][a-z0-9-]{1,62}$");

    private Input() {}

    /** {@return the value, trimmed} @throws ParleyException INVALID if blank or longer than max */
    public static String text(String field, String value, int max) {
        if (value == null || value.isBlank()) throw ParleyException.invalid(field + " is required");
        String v = value.strip();
        if (v.length() > max) throw ParleyException.invalid(field + " is longer than " + max + " characters");
        return v;
    }

    /** {@return the value trimmed, or "" for null} @throws ParleyException INVALID if longer than max */
    public static String optionalText(String field, String value, int max) {
        if (value == null) return "";
        String v = value.strip();
        if (v.length() > max) throw ParleyException.invalid(field + " is longer than " + max + " characters");
        return v;
    }

    /**
     * {@return a name shown to others, trimmed}
     *
     * @throws ParleyException INVALID naming the field if blank, longer than max, or holding a hidden character
     */
    public static String name(String field, String value, int max) {
        String v = text(field, value, max);
        if (v.codePoints().allMatch(Character::isSpaceChar)) throw ParleyException.invalid(field + " is required");
        return shown(field, v);
    }

    /** {@return an optional text shown to others (a topic), trimmed; "" for null} @throws ParleyException INVALID as {@link #name} */
    public static String optionalName(String field, String value, int max) {
        return shown(field, optionalText(field, value, max));
    }

    /** {@return the value without its hidden characters (see the class comment); null stays null} */
    public static String withoutHidden(String value) {
        if (value == null) return null;
        int at = hiddenAt(value, 0);
        if (at < 0) return value;
        StringBuilder b = new StringBuilder(value.length());
        int from = 0;
        for (; at >= 0; at = hiddenAt(value, from)) {
            b.append(value, from, at);
            from = at + Character.charCount(value.codePointAt(at));
        }
        return b.append(value, from, value.length()).toString();
    }

    private static String shown(String field, String v) {
        int at = hiddenAt(v, 0);
        if (at >= 0) {
            throw ParleyException.invalid("%s must not hold invisible, control or text-direction characters (it holds U+%04X)"
                    .formatted(field, v.codePointAt(at)));
        }
        return v;
    }

    /** {@return the index of the first hidden character at or after from, or -1} */
    private static int hiddenAt(String s, int from) {
        for (int i = from; i < s.length(); ) {
            int cp = s.codePointAt(i);
            int n = Character.charCount(cp);
            if (isTag(cp) && cp != CANCEL_TAG) {
                int end = tagSequenceEnd(s, i);
                if (end < 0) return i;
                i = end;
                continue;
            }
            if (isHidden(cp) && !joinerIsPartOfText(s, i, cp)) return i;
            if (isVariationSelector(cp) && (i == 0 || isVariationSelector(s.codePointBefore(i)))) return i; // one per character
            i += n;
        }
        return -1;
    }

    private static final int ZWNJ = 0x200C, ZWJ = 0x200D, CANCEL_TAG = 0xE007F;

    private static boolean isHidden(int cp) {
        return switch (Character.getType(cp)) {
            case Character.FORMAT, Character.CONTROL, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR -> true;
            default -> cp == 0x034F || cp == 0x115F || cp == 0x1160 || cp == 0x3164 || cp == 0xFFA0 || cp == 0x17B4 || cp == 0x17B5;
        };
    }

    private static boolean isVariationSelector(int cp) {
        return cp >= 0xFE00 && cp <= 0xFE0F || cp >= 0xE0100 && cp <= 0xE01EF;
    }

    private static boolean isTag(int cp) {
        return cp >= 0xE0020 && cp <= 0xE007F;
    }

    /** {@return the index after an emoji tag sequence's cancel tag, if the tags from i are one; else -1} */
    private static int tagSequenceEnd(String s, int i) {
        if (i == 0 || !Character.isExtendedPictographic(s.codePointBefore(i))) return -1;
        for (int j = i; j < s.length(); ) {
            int cp = s.codePointAt(j);
            if (cp == CANCEL_TAG) return j + Character.charCount(cp);
            if (!isTag(cp)) return -1;
            j += Character.charCount(cp);
        }
        return -1;
    }

    /** ZWJ inside an emoji sequence, or ZWNJ/ZWJ between two letters of a script that joins or forms conjuncts. */
    private static boolean joinerIsPartOfText(String s, int i, int cp) {
        if (cp != ZWJ && cp != ZWNJ) return false;
        int after = i + 1;
        if (i == 0 || after >= s.length()) return false;
        int prev = s.codePointBefore(i), next = s.codePointAt(after);
        if (cp == ZWJ && (Character.isExtendedPictographic(prev) || Character.isEmojiModifier(prev) || prev == 0xFE0F)
                && Character.isExtendedPictographic(next)) {
            return true;
        }
        Character.UnicodeScript script = scriptBefore(s, i);
        return isLetterOrMark(prev) && isLetterOrMark(next) && script == Character.UnicodeScript.of(next)
                && switch (script) {
                    case LATIN, GREEK, CYRILLIC, COMMON, INHERITED, UNKNOWN -> false;
                    default -> true;
                };
    }

    /** {@return the script of the text before i; a combining mark takes its base's} */
    private static Character.UnicodeScript scriptBefore(String s, int i) {
        Character.UnicodeScript script = Character.UnicodeScript.UNKNOWN;
        for (int j = i; j > 0; j -= Character.charCount(s.codePointBefore(j))) {
            script = Character.UnicodeScript.of(s.codePointBefore(j));
            if (script != Character.UnicodeScript.INHERITED) return script;
        }
        return script;
    }

    private static boolean isLetterOrMark(int cp) {
        int type = Character.getType(cp);
        return Character.isLetter(cp) || type == Character.NON_SPACING_MARK || type == Character.COMBINING_SPACING_MARK;
    }

    /** {@return the e-mail address lower-cased} @throws ParleyException INVALID if malformed */
    public static String email(String value) {
        String v = text("email", value, 320).toLowerCase(Locale.ROOT);
        if (!EMAIL.matcher(v).matches()) throw ParleyException.invalid("email is not an e-mail address");
        return v;
    }

    /** {@return the handle lower-cased} @throws ParleyException INVALID unless 2–40 of a-z 0-9 . _ - */
    public static String handle(String value) {
        String v = text("handle", value, 40).toLowerCase(Locale.ROOT);
        if (v.startsWith("@")) v = v.substring(1);
        if (!HANDLE.matcher(v).matches()) {
            throw ParleyException.invalid("handle must be 2-40 characters of a-z, 0-9, '.', '_' or '-'");
        }
        return v;
    }

    /** {@return the channel name lower-cased, without a leading '#'} @throws ParleyException INVALID if not 1–80 of a-z 0-9 _ - */
    public static String channelName(String value) {
        String v = text("name", value, 81).toLowerCase(Locale.ROOT);
        if (v.startsWith("#")) v = v.substring(1);
        if (!CHANNEL_NAME.matcher(v).matches()) {
            throw ParleyException.invalid("name must be 1-80 characters of a-z, 0-9, '_' or '-'");
        }
        return v;
    }

    /** {@return a URL slug made from a name} */
    public static String slugOf(String name) {
        String s = name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("(^-+|-+$)", "");
        if (s.length() > 63) s = s.substring(0, 63);
        if (s.length() < 2) s = "ws-" + s;
        return s;
    }

    /** {@return the slug} @throws ParleyException INVALID if malformed */
    public static String slug(String value) {
        String v = text("slug", value, 63).toLowerCase(Locale.ROOT);
        if (!SLUG.matcher(v).matches()) throw ParleyException.invalid("slug must be 2-63 characters of a-z, 0-9 or '-'");
        return v;
    }

    /** {@return the password} @throws ParleyException INVALID if shorter than min or over 1024 characters */
    public static String password(String value, int min) {
        if (value == null || value.length() < min) {
            throw ParleyException.invalid("password must have at least " + min + " characters");
        }
        if (value.length() > 1024) throw ParleyException.invalid("password is longer than 1024 characters");
        return value;
    }
}
