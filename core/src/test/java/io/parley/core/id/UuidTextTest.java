package io.parley.core.id;

import org.junit.jupiter.api.Test;

import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class UuidTextTest {
    @Test
    void readsTheCanonicalFormInEitherCase() {
        UUID id = UUID.fromString("0190a3c4-0b2c-7d3e-8f40-5a6b7c8d9e0f");
        assertAll(
                () -> assertEquals(id, UuidText.parse("0190a3c4-0b2c-7d3e-8f40-5a6b7c8d9e0f")),
                () -> assertEquals(id, UuidText.parse("0190A3C4-0B2C-7D3E-8F40-5A6B7C8D9E0F")));
    }

    @Test
    void refusesEveryOtherSpelling() {
        assertAll(
                // 36 characters that UUID.fromString reads as another id (the frame decoder's fuzz finding)
                () -> assertNull(UuidText.parse("0190a3c4-0b2c-73-84edf0-5a6b7c80fe9d")),
                () -> assertNull(UuidText.parse("1-2-3-4-5")),
                () -> assertNull(UuidText.parse("0190a3c4-0b2c-7d3e-8f40-5a6b7c8d9e0")),
                () -> assertNull(UuidText.parse("0190a3c4-0b2c-7d3e-8f40-5a6b7c8d9e0g")),
                () -> assertNull(UuidText.parse("+190a3c4-0b2c-7d3e-8f40-5a6b7c8d9e0f")),
                () -> assertNull(UuidText.parse("0190a3c4-0b2c-7d3e-8f40-5a6b7c8d9e٠f")), // an Arabic-Indic digit
                () -> assertNull(UuidText.parse("0190a3c4+0b2c-7d3e-8f40-5a6b7c8d9e0f")),
                () -> assertNull(UuidText.parse("")),
                () -> assertNull(UuidText.parse(null)));
    }
}
