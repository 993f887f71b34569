package io.parley.core.error;

import net.fellbaum.jemoji.EmojiManager;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class InputTest {
    @Test
    void normalisesWhatItAccepts() {
        assertEquals("ana@example.com", Input.email("  Ana@Example.COM "));
        assertEquals("ana.k", Input.handle("@Ana.K"));
        assertEquals("dev-ops", Input.channelName("#Dev-Ops"));
        assertEquals("acme-corp", Input.slugOf("  ACME Corp!! "));
    }

    @Test
    void rejectionsNameTheField() {
        ParleyException e = assertThrows(ParleyException.class, () -> Input.email("nope"));
        assertEquals(ErrorCode.INVALID, e.code());
        assertTrue(e.getMessage().startsWith("email"));
        assertTrue(assertThrows(ParleyException.class, () -> Input.handle("a b")).getMessage().startsWith("handle"));
        assertTrue(assertThrows(ParleyException.class, () -> Input.channelName("no spaces")).getMessage().startsWith("name"));
        assertTrue(assertThrows(ParleyException.class, () -> Input.password("short", 8)).getMessage().startsWith("password"));
        assertTrue(assertThrows(ParleyException.class, () -> Input.text("topic", "x".repeat(300), 250)).getMessage().startsWith("topic"));
        assertTrue(assertThrows(ParleyException.class, () -> Input.text("name", "   ", 80)).getMessage().contains("required"));
    }

    /** Each reorders or hides text; all were accepted in names before. */
    private static final List<String> HIDDEN = List.of("\u202A", "\u202B", "\u202C", "\u202D", "\u202E", "\u2066", "\u2067",
            "\u2068", "\u2069", "\u200E", "\u200F", "\u061C", "\u200B", "\u200C", "\u200D", "\u2060", "\uFEFF", "\u180E",
            "\u00AD", "\u2061", "\u034F", "\u115F", "\u3164", "\uFFA0", "\u17B4", "\uDB40\uDC01", "\u0000", "\n", "\u2028",
            "\u2029", "\uFE0F\uFE0F");

    @Test
    void namesRefuseWhatHidesOrReordersTextNamingTheFieldAndTheCharacter() {
        for (String h : HIDDEN) {
            ParleyException e = assertThrows(ParleyException.class, () -> Input.name("displayName", "Ana" + h + "Lee", 80), h);
            assertEquals(ErrorCode.INVALID, e.code());
            assertTrue(e.getMessage().startsWith("displayName") && e.getMessage().contains("U+"), e.getMessage());
            assertThrows(ParleyException.class, () -> Input.optionalName("topic", "de" + h + "ploys", 250), h);
        }
        assertTrue(assertThrows(ParleyException.class, () -> Input.name("name", "\u00A0\u3000", 80)).getMessage().contains("required"),
                "spaces that are not blank to String.isBlank are still nothing to show");
        assertThrows(ParleyException.class, () -> Input.name("name", "\uD83C\uDFF4\uDB40\uDC67\uDB40\uDC62", 80),
                "tags without their cancel tag are not an emoji");
        assertThrows(ParleyException.class, () -> Input.name("name", "a\uDB40\uDC67\uDB40\uDC7F", 80), "tags after a letter");
    }

    @Test
    void namesKeepWhatTextNeeds() {
        for (String ok : List.of("Ana \uD83D\uDC69\u200D\uD83D\uDCBB", // Ana 👩‍💻
                "\uD83C\uDFF3\uFE0F\u200D\uD83C\uDF08 pride", // 🏳️‍🌈: a ZWJ after a variation selector
                "\uD83D\uDC69\uD83C\uDFFD\u200D\uD83D\uDE80", // 👩🏽‍🚀: a ZWJ after a skin tone
                "\uD83C\uDFF4\uDB40\uDC67\uDB40\uDC62\uDB40\uDC73\uDB40\uDC63\uDB40\uDC74\uDB40\uDC7F fan", // the flag of Scotland
                "\u0645\u06CC\u200C\u062E\u0648\u0627\u0647\u0645", // Persian: a ZWNJ between Arabic letters
                "\u0915\u094D\u200D\u0937", // Devanagari: a ZWJ after a virama
                "\u05E9\u05DC\u05D5\u05DD Shalom", // right-to-left letters themselves are fine
                "Zo\u00EB d'Arc-Smith (she/her)", "\u6F22\u5B57", "caf\u00E9\u0301")) {
            assertEquals(ok, Input.name("displayName", ok, 80), ok);
        }
        EmojiManager.getAllEmojis().forEach(e -> assertEquals(e.getEmoji(), Input.name("name", e.getEmoji(), 80), e.getEmoji()));
    }

    @Test
    void integrationNamesAreCleanedNotRefused() {
        assertAll(
                () -> assertEquals("Grafana", Input.withoutHidden("\u202EGraf\u200Bana\u2069")),
                () -> assertEquals("Ana \uD83D\uDC69\u200D\uD83D\uDCBB", Input.withoutHidden("Ana \uD83D\uDC69\u200D\uD83D\uDCBB\u200D")),
                () -> assertEquals("", Input.withoutHidden("\u200B\u200C")),
                () -> assertEquals(null, Input.withoutHidden(null)));
    }
}
