package io.parley.core.files;

import io.parley.core.error.ErrorCode;
import io.parley.core.error.ParleyException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.UUID;

/**
 * Whether uploads are scanned, and what becomes of one the scanner cannot judge: refused with
 * {@link ErrorCode#SCAN_UNAVAILABLE} (the default; 503, retry later) or, when the admin chose to accept them, stored
 * and marked {@link ScanState#UNSCANNED}. An infected upload is always refused ({@link ErrorCode#FILE_INFECTED}).
 * A file over the scanner's own size limit counts as not judged; refusing it says {@link ErrorCode#FILE_TOO_LARGE},
 * since trying again would not help.
 */
public final class UploadScanning {
    /** Scanning is off (no scanner configured): every upload is stored with no scan state. */
    public static final UploadScanning OFF = new UploadScanning(null, false);
    /** How long a refused uploader is told to wait before retrying while the scanner is unavailable. */
    static final int RETRY_AFTER_SECONDS = 30;
    private static final Logger log = LoggerFactory.getLogger(UploadScanning.class);

    private final FileScanner scanner;
    private final boolean acceptUnscanned;

    /**
     * @param scanner the scanner, or null when uploads are not scanned
     * @param acceptUnscanned store (marked unscanned) what the scanner could not judge, instead of refusing it
     */
    public UploadScanning(FileScanner scanner, boolean acceptUnscanned) {
        this.scanner = scanner;
        this.acceptUnscanned = acceptUnscanned;
    }

    /**
     * Scans staged bytes. {@return the state to store with the file, or null when scanning is off}
     *
     * @throws ParleyException FILE_INFECTED; SCAN_UNAVAILABLE or FILE_TOO_LARGE when the scanner could not judge the
     *     file and such files are refused
     */
    ScanState check(FileInspector.Source bytes, UUID uploaderId, UUID workspaceId) {
        if (scanner == null) return null;
        return switch (scanner.scan(bytes)) {
            case FileScanner.Clean c -> ScanState.CLEAN;
            case FileScanner.Infected i -> {
                log.warn("refused an upload by user {} in workspace {}: the scanner found {}", uploaderId, workspaceId, i.signature());
                throw new ParleyException(ErrorCode.FILE_INFECTED, "the virus scanner found " + i.signature()
                        + " in the file; it was not stored");
            }
            case FileScanner.TooLarge t -> {
                if (acceptUnscanned) yield unscanned(uploaderId, workspaceId, "it is over the scanner's size limit");
                log.info("refused an upload by user {} in workspace {}: it is over the virus scanner's size limit", uploaderId, workspaceId);
                throw new ParleyException(ErrorCode.FILE_TOO_LARGE, "the file is larger than the virus scanner accepts;"
                        + " it was not stored");
            }
            case FileScanner.Unavailable u -> {
                if (acceptUnscanned) yield unscanned(uploaderId, workspaceId, u.reason());
                log.warn("refused an upload by user {} in workspace {}: the virus scanner is unavailable ({})", uploaderId,
                        workspaceId, u.reason());
                throw new ParleyException(ErrorCode.SCAN_UNAVAILABLE, "the virus scanner is unavailable; try again later",
                        RETRY_AFTER_SECONDS, null);
            }
        };
    }

    private static ScanState unscanned(UUID uploaderId, UUID workspaceId, String reason) {
        log.warn("stored an upload by user {} in workspace {} unscanned: {}", uploaderId, workspaceId, reason);
        return ScanState.UNSCANNED;
    }
}
