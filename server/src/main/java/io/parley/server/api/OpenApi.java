package io.parley.server.api;

import io.parley.server.http.HttpResponse;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * Serves the OpenAPI 3.0 description of the REST API, kept as the resource {@code /openapi.json}.
 * A test checks that it names exactly the routes {@link RestApi} registers.
 */
public final class OpenApi {
    /** Where the document is served. */
    public static final String PATH = "/api/v1/openapi.json";
    static final String RESOURCE = "/openapi.json";

    private final byte[] document;

    public OpenApi() {
        this.document = load();
    }

    /** {@return the document's bytes (UTF-8 JSON)} */
    static byte[] load() {
        try (InputStream in = OpenApi.class.getResourceAsStream(RESOURCE)) {
            if (in == null) throw new IllegalStateException("resource " + RESOURCE + " is missing from the jar");
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
    }

    Endpoint endpoint() {
        return Endpoint.get(PATH, request -> new HttpResponse(200, "application/json", document.clone(),
                Map.of("Cache-Control", "no-cache")));
    }
}
