package io.parley.core.chat;

import io.parley.core.error.ErrorCode;
import io.parley.core.error.ParleyException;
import net.fellbaum.jemoji.EmojiManager;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EmojiCatalogTest {
    private static final EmojiCatalog CATALOG = EmojiCatalog.standard();

    @Test
    void oneEmojiOfEveryKindIsAReaction() {
        for (String e : List.of("\uD83D\uDC4D", // 👍
                "\uD83D\uDC4D\uD83C\uDFFF", // 👍🏿 skin tone
                "\uD83D\uDC69\u200D\uD83D\uDCBB", // 👩‍💻 ZWJ
                "\uD83E\uDDD1\uD83C\uDFFB\u200D\uD83E\uDD1D\u200D\uD83E\uDDD1\uD83C\uDFFF", // 🧑🏻‍🤝‍🧑🏿 ZWJ with two skin tones
                "\uD83C\uDDEF\uD83C\uDDF5", // 🇯🇵 flag
                "#\uFE0F\u20E3", // #️⃣ keycap
                "\uD83C\uDFF4\uDB40\uDC67\uDB40\uDC62\uDB40\uDC77\uDB40\uDC6C\uDB40\uDC73\uDB40\uDC7F", // 🏴 Wales, a tag sequence
                "\u2764\uFE0F")) { // ❤️
            assertEquals(Optional.of(e), CATALOG.canonical(e), e);
        }
    }

    @Test
    void otherSpellingsBecomeTheFullyQualifiedOne() {
        assertAll(
                () -> assertEquals(Optional.of("\u2764\uFE0F"), CATALOG.canonical("\u2764")),
                () -> assertEquals(Optional.of("#\uFE0F\u20E3"), CATALOG.canonical("#\u20E3")),
                () -> assertEquals(Optional.of("\u2764\uFE0F\u200D\uD83D\uDD25"), CATALOG.canonical("\u2764\u200D\uD83D\uDD25")));
    }

    @Test
    void knownShortcodesAreKeptAsSent() {
        for (String s : List.of(":+1:", ":thumbsup:", ":tada:", ":eyes:", ":white_check_mark:", ":flag-fr:", ":scotland:")) {
            assertEquals(Optional.of(s), CATALOG.canonical(s), s);
        }
    }

    @Test
    void anythingElseIsRefusedNamingTheField() {
        for (String bad : new String[]{null, "", "ab", "<", "\u202E", "\u200B", "a" + "\u0301".repeat(8), "1", "#", "*",
                "\uD83D\uDC4D\uD83D\uDC4D", " \uD83D\uDC4D", "\uD83D\uDC4D\u200D", "\uD83D", "\uD83C\uDFF4\uDB40\uDC67",
                ":nope_not_one:", ":tada", "tada", ":TADA:", ":)", ":+1::skin-tone-2:", "\u2764\uFE0E"}) {
            ParleyException e = assertThrows(ParleyException.class, () -> CATALOG.require(bad), String.valueOf(bad));
            assertEquals(ErrorCode.INVALID, e.code());
            assertTrue(e.getMessage().startsWith("emoji"), e.getMessage());
        }
    }

    @Test
    void everyReactionFitsThePodWire() {
        EmojiManager.getAllEmojis().forEach(e -> {
            String r = CATALOG.canonical(e.getEmoji()).orElseThrow();
            assertTrue(r.length() <= EmojiCatalog.MAX_LENGTH, r);
            e.getAllAliases().forEach(a -> CATALOG.canonical(a).ifPresent(s -> assertTrue(s.length() <= EmojiCatalog.MAX_LENGTH, s)));
        });
    }
}
