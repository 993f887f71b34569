package io.parley.core.files;

/**
 * Looks for malware in an upload before anyone can get it (spec 002 §10.4). The scanner reads the staged bytes
 * while they are not yet stored under their address; what it says decides whether they ever are. The default
 * adapter speaks clamd's {@code INSTREAM} protocol ({@code server/files/ClamdScanner}).
 */
@FunctionalInterface
public interface FileScanner {
    /** What the scanner said about one file. */
    sealed interface Verdict permits Clean, Infected, TooLarge, Unavailable {}

    /** Nothing was found. */
    record Clean() implements Verdict {}

    /** @param signature the name of what was found, as the scanner reports it (e.g. {@code Win.Test.EICAR_HDB-1}) */
    record Infected(String signature) implements Verdict {}

    /** The file is over the largest stream the scanner accepts (clamd's {@code StreamMaxLength}): it was not judged. */
    record TooLarge() implements Verdict {}

    /**
     * The scanner could not be reached, did not answer within its timeout, or answered with an error: the file
     * was not judged.
     *
     * @param reason for the operator's log; never shown to clients
     */
    record Unavailable(String reason) implements Verdict {}

    /** {@return the verdict on the bytes} Never throws: every failure is {@link Unavailable}. */
    Verdict scan(FileInspector.Source bytes);
}
