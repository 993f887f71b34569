package io.parley.core.files;

import io.parley.core.error.ErrorCode;
import io.parley.core.error.ParleyException;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** What each verdict means for an upload, under either setting for files the scanner cannot judge. */
class UploadScanningTest {
    private static final FileInspector.Source BYTES = () -> new ByteArrayInputStream(new byte[]{1});
    private static final UUID USER = UUID.randomUUID();
    private static final UUID WS = UUID.randomUUID();

    private static ScanState check(FileScanner.Verdict v, boolean acceptUnscanned) {
        return new UploadScanning(bytes -> v, acceptUnscanned).check(BYTES, USER, WS);
    }

    private static ParleyException refused(FileScanner.Verdict v, boolean acceptUnscanned) {
        return assertThrows(ParleyException.class, () -> check(v, acceptUnscanned));
    }

    @Test
    void cleanIsStoredCleanAndInfectedIsAlwaysRefused() {
        assertAll(
                () -> assertEquals(ScanState.CLEAN, check(new FileScanner.Clean(), false)),
                () -> assertEquals(ErrorCode.FILE_INFECTED, refused(new FileScanner.Infected("Eicar"), false).code()),
                () -> assertEquals(ErrorCode.FILE_INFECTED, refused(new FileScanner.Infected("Eicar"), true).code(), "whatever the setting"),
                () -> assertEquals("the virus scanner found Eicar in the file; it was not stored",
                        refused(new FileScanner.Infected("Eicar"), false).getMessage()));
    }

    @Test
    void whatCannotBeJudgedIsRefusedByDefault() {
        ParleyException down = refused(new FileScanner.Unavailable("connection refused"), false);
        assertAll(
                () -> assertEquals(ErrorCode.SCAN_UNAVAILABLE, down.code()),
                () -> assertEquals(30, down.retryAfterSeconds()),
                () -> assertEquals("the virus scanner is unavailable; try again later", down.getMessage(), "the reason stays in the log"),
                () -> assertEquals(ErrorCode.FILE_TOO_LARGE, refused(new FileScanner.TooLarge(), false).code(), "retrying would not help"));
    }

    @Test
    void whatCannotBeJudgedIsKeptUnscannedWhenAccepted() {
        assertAll(
                () -> assertEquals(ScanState.UNSCANNED, check(new FileScanner.Unavailable("timeout"), true)),
                () -> assertEquals(ScanState.UNSCANNED, check(new FileScanner.TooLarge(), true)));
    }

    @Test
    void offScansNothing() {
        assertNull(UploadScanning.OFF.check(() -> { throw new AssertionError("read"); }, USER, WS));
    }
}
