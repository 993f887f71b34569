package io.parley.core.chat;

import io.parley.core.error.ParleyException;
import net.fellbaum.jemoji.Emoji;
import net.fellbaum.jemoji.EmojiManager;
import net.fellbaum.jemoji.Qualification;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What a reaction may be: exactly one emoji of Unicode's emoji list, or a {@code :shortcode:} that names one.
 *
 * <p>The data is jemoji's copy of Unicode's {@code emoji-test.txt} (Emoji 17.0): every RGI emoji — skin-tone
 * modifiers, ZWJ sequences, keycaps, flags, tag sequences — with its fully-qualified, minimally-qualified and
 * unqualified spellings, and the shortcodes GitHub, Slack and Discord give them. A library rather than a table of
 * our own, so a new Unicode release is a version bump.
 *
 * <p>Normalised, so one emoji is one reaction: an emoji is kept in its fully-qualified spelling ({@code ❤} becomes
 * {@code ❤️}); a shortcode is kept as sent ({@code :+1:} and {@code 👍} stay two reactions, as in Slack). Only the
 * {@code :name:} shape of a shortcode counts (letters, digits, {@code _ + -}), so Discord's emoticons ({@code :)}) and
 * Slack's {@code :+1::skin-tone-2:} are not shortcodes here; their emoji are.
 *
 * <p>One instance per set of emoji: {@link #standard()} now; a workspace's custom emoji will add shortcodes to it.
 */
public final class EmojiCatalog {
    /** Longest reaction stored (the pod-to-pod wire refuses longer ones); every emoji and shortcode here fits. */
    public static final int MAX_LENGTH = 64;
    private static final Pattern SHORTCODE = Pattern.compile("^:[A-Za-z0-9_+\\-]{1,62}:$");

    /** Every spelling of every emoji → its fully-qualified spelling. */
    private final Map<String, String> emoji;
    private final Set<String> shortcodes;

    private EmojiCatalog(Map<String, String> emoji, Set<String> shortcodes) {
        this.emoji = Map.copyOf(emoji);
        this.shortcodes = Set.copyOf(shortcodes);
    }

    /** {@return Unicode's emoji and the GitHub, Slack and Discord shortcodes} Loaded once, on first use (about half a second). */
    public static EmojiCatalog standard() {
        return Standard.CATALOG;
    }

    /** {@return the reaction as it is stored, or empty if the value is not one emoji or a known shortcode} */
    public Optional<String> canonical(String value) {
        if (value == null) return Optional.empty();
        if (SHORTCODE.matcher(value).matches()) return shortcodes.contains(value) ? Optional.of(value) : Optional.empty();
        return Optional.ofNullable(emoji.get(value));
    }

    /** {@return the reaction as it is stored} @throws ParleyException INVALID naming {@code emoji} otherwise */
    public String require(String value) {
        return canonical(value).orElseThrow(() -> ParleyException.invalid(
                "emoji must be one emoji (such as \uD83D\uDC4D) or a known :shortcode: (such as :tada:)"));
    }

    /** The holder idiom: jemoji's data is read when a reaction is first checked, not when the class is touched. */
    private static final class Standard {
        static final EmojiCatalog CATALOG = load();

        private static EmojiCatalog load() {
            Map<String, String> fullyQualified = new HashMap<>();
            for (Emoji e : EmojiManager.getAllEmojis()) {
                if (e.getQualification() == Qualification.FULLY_QUALIFIED || e.getQualification() == Qualification.COMPONENT) {
                    fullyQualified.put(withoutPresentationSelector(e.getEmoji()), e.getEmoji());
                }
            }
            Map<String, String> emoji = new HashMap<>();
            Set<String> shortcodes = new HashSet<>();
            for (Emoji e : EmojiManager.getAllEmojis()) {
                // Minimally- and unqualified spellings differ from the fully-qualified one only by U+FE0F.
                String canonical = fullyQualified.getOrDefault(withoutPresentationSelector(e.getEmoji()), e.getEmoji());
                emoji.put(e.getEmoji(), canonical);
                for (String alias : e.getAllAliases()) if (SHORTCODE.matcher(alias).matches()) shortcodes.add(alias);
            }
            return new EmojiCatalog(emoji, shortcodes);
        }

        private static String withoutPresentationSelector(String s) {
            return s.replace("\uFE0F", "");
        }
    }
}
