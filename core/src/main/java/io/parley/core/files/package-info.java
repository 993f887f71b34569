/**
 * Files: uploads with a size limit and a per-workspace quota, content types sniffed from the bytes,
 * names sanitised, uploads scanned for malware before they are stored ({@link io.parley.core.files.UploadScanning}
 * around the {@link io.parley.core.files.FileScanner} port), bytes kept content-addressed behind
 * {@link io.parley.core.files.BlobStore}, and access that follows the message a file is attached to.
 * {@link io.parley.core.files.FileService} holds every rule; the technology (disk, type detection, image decoding,
 * the virus scanner) is behind ports.
 */
package io.parley.core.files;
