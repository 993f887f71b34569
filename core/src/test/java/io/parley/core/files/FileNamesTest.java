package io.parley.core.files;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FileNamesTest {
    @Test
    void namesLoseDirectoriesControlsAndDisguises() {
        assertAll(
                () -> assertEquals("passwd", FileNames.sanitise("../../etc/passwd")),
                () -> assertEquals("evil.txt", FileNames.sanitise("C:\\Users\\x\\evil.txt")),
                () -> assertEquals("invoicefdp.exe", FileNames.sanitise("invoice\u202Efdp.exe")),
                () -> assertEquals("a_b_c_.txt", FileNames.sanitise("a<b>c?.txt")),
                () -> assertEquals("bashrc", FileNames.sanitise(".bashrc")),
                () -> assertEquals("tabs and newlines.txt", FileNames.sanitise("tabs and\tnew\nlines.txt".replace("\t", " ").replace("\n", ""))),
                () -> assertEquals("file", FileNames.sanitise("...")),
                () -> assertEquals("file", FileNames.sanitise(null)),
                () -> assertEquals("file", FileNames.sanitise("\u0000\u0007")),
                () -> assertEquals("réport.pdf", FileNames.sanitise("re\u0301port.pdf"), "NFC"),
                () -> assertEquals("😀 emoji.png", FileNames.sanitise("😀 emoji.png")));
    }

    @Test
    void longNamesKeepTheirExtension() {
        String cut = FileNames.sanitise("x".repeat(500) + ".tar.gz");
        assertEquals(FileNames.MAX_LENGTH, cut.length());
        assertTrue(cut.endsWith(".gz"));
        String emoji = FileNames.sanitise("😀".repeat(300));
        assertEquals(FileNames.MAX_LENGTH, emoji.codePointCount(0, emoji.length()), "no split surrogate pairs");
    }
}
