package io.parley.core.error;

import java.util.Locale;
import java.util.regex.Pattern;

/** Checks of user-supplied fields shared by every entry point; each failure names the field. */
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
