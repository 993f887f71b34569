package io.parley.core.id;

import java.util.UUID;

/**
 * Reads a UUID from text only in its canonical form: 36 characters, hex digits in groups of 8-4-4-4-12 separated by
 * dashes. {@link UUID#fromString} also takes other groupings of the same length ({@code 0190a3c4-0b2c-73-84edf0-…}),
 * whose oversized groups spill into their neighbours: two different strings would then name one id, and an answer's
 * {@code refId} would not be the id the client sent.
 */
public final class UuidText {
    private UuidText() {}

    /** {@return the UUID the text spells canonically (either case), or null if it is anything else} */
    public static UUID parse(String s) {
        if (s == null || s.length() != 36) return null;
        for (int i = 0; i < 36; i++) {
            char c = s.charAt(i);
            boolean dash = i == 8 || i == 13 || i == 18 || i == 23;
            if (dash ? c != '-' : Character.digit(c, 16) < 0 || c > 'f') return null;
        }
        return UUID.fromString(s);
    }
}
