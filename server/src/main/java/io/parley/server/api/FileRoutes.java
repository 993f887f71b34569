package io.parley.server.api;

import io.parley.core.auth.Principal;
import io.parley.core.error.ParleyException;
import io.parley.core.files.FileInfo;
import io.parley.core.files.FileService;
import io.parley.server.app.Services;
import io.parley.server.http.HttpRequest;
import io.parley.server.http.HttpResponse;
import io.parley.server.wire.FileView;
import org.apache.commons.fileupload2.core.MultipartInput;
import org.apache.commons.fileupload2.core.ParameterParser;

import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static io.parley.server.api.ApiSupport.authenticate;
import static io.parley.server.api.ApiSupport.uuidPath;

/**
 * Files: upload (streamed, never buffered whole: the raw body, or the first file part of a
 * {@code multipart/form-data} body), metadata, download and thumbnail. Downloads carry headers that keep
 * uploaded bytes inert in a browser: never sniffed, never scripted, shown inline only when they are a
 * raster image, else saved under their sanitised name.
 */
final class FileRoutes implements Routes {
    /** Shown inline in the browser; everything else is a download. */
    private static final Set<String> INLINE = Set.of("image/png", "image/jpeg", "image/gif", "image/webp", "image/bmp");
    /** The API's policy ({@code ContentSecurityPolicy.API}), loosened only so that a browser's own image viewer works, and sandboxed. */
    private static final String SANDBOX = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; frame-ancestors 'none'; sandbox";

    private final Services services;
    private final io.parley.server.federation.org.OrgChannels orgs;

    /** @param orgs the org layer, which fetches remote files from their origin pod; null when it is not wired */
    FileRoutes(Services services, io.parley.server.federation.org.OrgChannels orgs) {
        this.services = services;
        this.orgs = orgs;
    }

    @Override
    public List<Endpoint> endpoints() {
        return List.of(
                Endpoint.upload("/api/v1/workspaces/{wsId}/files", this::upload),
                Endpoint.get("/api/v1/files/{fileId}", this::get),
                Endpoint.get("/api/v1/files/{fileId}/content", this::content),
                Endpoint.get("/api/v1/files/{fileId}/thumbnail", this::thumbnail),
                Endpoint.get("/api/v1/files/remote/{origin}/{fileId}", this::remoteContent));
    }

    private FileService files() {
        FileService f = services.files();
        if (f == null) throw ParleyException.unavailable("files are not available on this node", 30, null);
        return f;
    }

    /** 201 with the stored file, unattached until a message names it in {@code attachments}. */
    private HttpResponse upload(HttpRequest request) throws IOException {
        Principal caller = authenticate(services.auth(), request);
        UUID wsId = uuidPath(request, "wsId");
        InputStream body = request.bodyStream() != null ? request.bodyStream() : new java.io.ByteArrayInputStream(request.body());
        String type = request.header("content-type");
        FileInfo f;
        if (type != null && type.toLowerCase(Locale.ROOT).startsWith("multipart/form-data")) {
            f = multipart(caller, wsId, request, type, body);
        } else {
            f = files().upload(caller.userId(), wsId, rawName(request), contentLength(request), body);
        }
        return ApiSupport.created(new Replies.OneFile(FileView.of(f)));
    }

    /** The first part with a file name is the file; other parts (form fields) are skipped. */
    private FileInfo multipart(Principal caller, UUID wsId, HttpRequest request, String type, InputStream body) throws IOException {
        String boundary = params(type).get("boundary");
        if (boundary == null || boundary.isEmpty() || boundary.length() > 70) {
            throw ParleyException.invalid("multipart/form-data needs a boundary of 1 to 70 characters");
        }
        try {
            MultipartInput parts = MultipartInput.builder().setInputStream(body)
                    .setBoundary(boundary.getBytes(StandardCharsets.ISO_8859_1)).setPartHeaderSizeMax(8192).get();
            for (boolean more = parts.skipPreamble(); more; more = parts.readBoundary()) {
                String headers = parts.readHeaders();
                String filename = filename(headers);
                if (filename == null) {
                    parts.discardBodyData();
                    continue;
                }
                String name = request.queryParam("name") != null ? request.queryParam("name") : filename;
                try (InputStream part = parts.newInputStream()) {
                    return files().upload(caller.userId(), wsId, name, -1, part);
                }
            }
        } catch (org.apache.commons.fileupload2.core.FileUploadException e) {
            throw ParleyException.invalid("the multipart body is malformed");
        }
        throw ParleyException.invalid("the multipart body has no part with a filename");
    }

    private HttpResponse get(HttpRequest request) {
        Principal caller = authenticate(services.auth(), request);
        return HttpResponse.ok(new Replies.OneFile(FileView.of(files().file(caller.userId(), uuidPath(request, "fileId")))));
    }

    private HttpResponse content(HttpRequest request) {
        Principal caller = authenticate(services.auth(), request);
        return content(request, files().file(caller.userId(), uuidPath(request, "fileId")));
    }

    /** A remote file named by its origin pod: 403 (not 404) to a caller who may not read its chat. */
    private HttpResponse remoteContent(HttpRequest request) {
        Principal caller = authenticate(services.auth(), request);
        return content(request, files().remoteFile(caller.userId(), request.pathParam("origin"), uuidPath(request, "fileId")));
    }

    /** The bytes of a file the caller may read: from the blob store, or (a remote file) from its origin pod, checked. */
    private HttpResponse content(HttpRequest request, FileInfo f) {
        if (f.sha256().equals(unquote(request.header("if-none-match")))) return notModified(f.sha256());
        boolean inline = INLINE.contains(f.contentType()) && !ApiSupport.boolQuery(request, "download");
        InputStream bytes = f.remote() ? remote().remoteFileBytes(f, false) : files().content(f);
        return downloadHeaders(HttpResponse.stream(inline ? f.contentType() : safeType(f.contentType()), bytes, f.size()), f.sha256())
                .withHeader("Content-Disposition", disposition(inline ? "inline" : "attachment", f.name()));
    }

    private io.parley.server.federation.org.OrgChannels remote() {
        if (orgs == null) throw ParleyException.unavailable("remote files are not available on this server", 60, null);
        return orgs;
    }

    private HttpResponse thumbnail(HttpRequest request) throws IOException {
        Principal caller = authenticate(services.auth(), request);
        FileInfo f = files().file(caller.userId(), uuidPath(request, "fileId"));
        if (f.thumbSha256() == null) throw ParleyException.notFound("the file has no thumbnail");
        if (f.thumbSha256().equals(unquote(request.header("if-none-match")))) return notModified(f.thumbSha256());
        byte[] png;
        try (InputStream in = f.remote() ? remote().remoteFileBytes(f, true) : files().thumbnail(f)) {
            png = in.readAllBytes(); // a thumbnail is a few kilobytes
        }
        return downloadHeaders(new HttpResponse(200, "image/png", png, Map.of()), f.thumbSha256());
    }

    /** Bytes are immutable per address; access is re-checked on every request (no-cache), so revocation is immediate. */
    private static HttpResponse downloadHeaders(HttpResponse r, String etag) {
        return r.withHeader("Cache-Control", "private, no-cache")
                .withHeader("ETag", "\"" + etag + "\"")
                .withHeader("Content-Security-Policy", SANDBOX)
                .withHeader("Cross-Origin-Resource-Policy", "same-origin");
    }

    private static HttpResponse notModified(String etag) {
        return new HttpResponse(304, null, new byte[0], Map.of("ETag", "\"" + etag + "\"", "Cache-Control", "private, no-cache"));
    }

    /** Types a browser might run as a document of our origin are sent as plain bytes. */
    private static String safeType(String type) {
        return switch (type) {
            case "text/html", "application/xhtml+xml", "image/svg+xml", "text/xml", "application/xml", "text/javascript",
                 "application/javascript", "application/x-javascript" -> "application/octet-stream";
            default -> type;
        };
    }

    /** RFC 6266: an ASCII fallback and the UTF-8 name in {@code filename*}. */
    static String disposition(String kind, String name) {
        String ascii = name.replaceAll("[^\\x20-\\x7e]", "_").replace("\\", "_").replace("\"", "_");
        return kind + "; filename=\"" + ascii + "\"; filename*=UTF-8''" + rfc5987(name);
    }

    private static String rfc5987(String s) {
        StringBuilder b = new StringBuilder();
        for (byte x : s.getBytes(StandardCharsets.UTF_8)) {
            int c = x & 0xff;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "!#$&+-.^_`|~".indexOf(c) >= 0) {
                b.append((char) c);
            } else {
                b.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
            }
        }
        return b.toString();
    }

    private static String unquote(String etag) {
        if (etag == null) return null;
        String e = etag.strip();
        if (e.startsWith("W/")) e = e.substring(2);
        return e.length() >= 2 && e.startsWith("\"") && e.endsWith("\"") ? e.substring(1, e.length() - 1) : e;
    }

    /** The name of a raw upload: {@code ?name=}, else the request's own Content-Disposition filename. */
    private static String rawName(HttpRequest request) {
        if (request.queryParam("name") != null) return request.queryParam("name");
        String cd = request.header("content-disposition");
        return cd == null ? null : filename("content-disposition: " + cd);
    }

    private static long contentLength(HttpRequest request) {
        String v = request.header("content-length");
        if (v == null) return -1;
        try {
            return Long.parseLong(v.strip());
        } catch (NumberFormatException e) {
            throw ParleyException.invalid("Content-Length must be a number");
        }
    }

    /** {@return the filename of a part's Content-Disposition (filename* in UTF-8 preferred), or null} */
    static String filename(String headers) {
        for (String line : headers.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon < 0 || !line.substring(0, colon).strip().equalsIgnoreCase("content-disposition")) continue;
            Map<String, String> p = params(line.substring(colon + 1));
            String star = p.get("filename*");
            if (star != null) {
                int q = star.indexOf("''");
                if (q > 0 && star.substring(0, q).equalsIgnoreCase("utf-8")) {
                    try {
                        return URLDecoder.decode(star.substring(q + 2).replace("+", "%2B"), StandardCharsets.UTF_8);
                    } catch (IllegalArgumentException e) {
                        // fall back to the plain filename
                    }
                }
            }
            return p.get("filename");
        }
        return null;
    }

    private static Map<String, String> params(String header) {
        ParameterParser parser = new ParameterParser();
        parser.setLowerCaseNames(true);
        return parser.parse(header, new char[]{';', ','});
    }
}
