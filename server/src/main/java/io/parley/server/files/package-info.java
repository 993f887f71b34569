/**
 * The technology behind the files service's ports: blobs on local disk by content address
 * ({@link io.parley.server.files.LocalBlobStore}), type detection from the bytes with Apache Tika and
 * thumbnails with the JDK's image decoders ({@link io.parley.server.files.TikaInspector}), and the virus scan of
 * uploads by clamd ({@link io.parley.server.files.ClamdScanner}, timed by {@link io.parley.server.files.MeteredScanner}).
 */
package io.parley.server.files;
