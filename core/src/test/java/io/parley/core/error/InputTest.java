package io.parley.core.error;

import org.junit.jupiter.api.Test;

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
}
