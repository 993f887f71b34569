package io.parley.server.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.PropertyBindingException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import io.parley.core.auth.Principal;
import io.parley.core.auth.AuthService;
import io.parley.core.error.ErrorCode;
import io.parley.core.error.ParleyException;
import io.parley.core.id.UuidText;
import io.parley.core.workspace.Role;
import io.parley.server.http.HttpRequest;
import io.parley.server.http.HttpResponse;
import io.parley.server.http.IllFormedTextException;
import io.parley.server.http.Json;

import java.io.IOException;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

/**
 * The REST edge's decoding: strict JSON bodies into request records, bearer authentication, path
 * and query parameters, idempotency keys, and waiting for a log write. Every failure is a
 * {@link ParleyException} that names the field or parameter; Jackson's own messages (which may
 * quote the body) are never passed on.
 */
final class ApiSupport {
    /** How long a handler waits for a write to commit before answering UNAVAILABLE. */
    static final Duration WRITE_TIMEOUT = Duration.ofSeconds(10);

    private ApiSupport() {}

    // ---- bodies -------------------------------------------------------------------------------

    /**
     * {@return the body parsed into {@code type}}
     *
     * @throws ParleyException INVALID for a missing or non-JSON content type, an empty body, unknown
     *     or duplicate fields, wrong types, a non-object root or trailing content; MALFORMED for
     *     text that is not Unicode (invalid UTF-8, unpaired surrogates) or not JSON; whatever the record's compact constructor throws
     */
    static <T> T body(HttpRequest request, Class<T> type) {
        requireJsonContentType(request.header("content-type"));
        byte[] bytes = request.body();
        if (bytes == null || bytes.length == 0) throw ParleyException.invalid("a JSON body is required");
        T value;
        try {
            value = Json.MAPPER.readValue(bytes, type);
        } catch (IOException e) {
            throw translate(e);
        }
        if (value == null) throw ParleyException.invalid("the body must be a JSON object");
        return value;
    }

    static void requireJsonContentType(String contentType) {
        if (contentType == null || contentType.isBlank()) {
            throw ParleyException.invalid("Content-Type must be application/json");
        }
        String[] parts = contentType.split(";");
        if (!parts[0].strip().equalsIgnoreCase("application/json")) {
            throw ParleyException.invalid("Content-Type must be application/json");
        }
        for (int i = 1; i < parts.length; i++) {
            String p = parts[i].strip();
            int eq = p.indexOf('=');
            if (eq < 0) continue;
            if (p.substring(0, eq).strip().equalsIgnoreCase("charset")) {
                String cs = p.substring(eq + 1).strip().replace("\"", "");
                if (!cs.equalsIgnoreCase("utf-8") && !cs.equalsIgnoreCase("utf8")) {
                    throw ParleyException.invalid("Content-Type charset must be utf-8");
                }
            }
        }
    }

    /** {@return a client-facing exception for a Jackson failure} (package-private for tests) */
    static ParleyException translate(IOException e) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof IllFormedTextException ill) return new ParleyException(ErrorCode.MALFORMED, "the body " + ill.problem());
        }
        if (e instanceof ValueInstantiationException vie) {
            // A compact constructor rejected a value: its ParleyException already names the field.
            for (Throwable c = vie.getCause(); c != null; c = c.getCause()) {
                if (c instanceof ParleyException pe) return pe;
            }
            return ParleyException.invalid("invalid value for '" + path(vie) + "'");
        }
        if (e instanceof PropertyBindingException pbe) {
            String where = path(pbe);
            return ParleyException.invalid("unknown field '" + (where.isEmpty() ? clip(pbe.getPropertyName()) : where) + "'");
        }
        if (e instanceof InvalidFormatException ife) {
            return ParleyException.invalid("field '" + path(ife) + "' must be " + typeName(ife.getTargetType()));
        }
        if (e instanceof MismatchedInputException mie) {
            String original = mie.getOriginalMessage();
            if (original != null && original.startsWith("Trailing token")) {
                return ParleyException.invalid("unexpected content after the JSON object");
            }
            String where = path(mie);
            if (where.isEmpty()) return ParleyException.invalid("the body must be a JSON object");
            return ParleyException.invalid("field '" + where + "' must be " + typeName(mie.getTargetType()));
        }
        if (e instanceof StreamReadException sre) {
            String original = sre.getOriginalMessage();
            if (original != null && original.startsWith("Duplicate field")) {
                return ParleyException.invalid("duplicate field in the JSON object");
            }
            return new ParleyException(ErrorCode.MALFORMED, "the body is not valid JSON");
        }
        if (e instanceof JsonMappingException jme) {
            String where = path(jme);
            return ParleyException.invalid(where.isEmpty() ? "the body does not match the request" : "invalid value for '" + where + "'");
        }
        if (e instanceof JsonProcessingException) {
            return new ParleyException(ErrorCode.MALFORMED, "the body is not valid JSON");
        }
        return new ParleyException(ErrorCode.MALFORMED, "the body could not be read");
    }

    /** {@return where in the body the failure is, clipped: a field name is the client's text and may be long} */
    private static String path(JsonMappingException e) {
        return clip(fullPath(e));
    }

    private static String clip(String s) {
        return s == null || s.length() <= 64 ? s : s.substring(0, 64) + "…";
    }

    private static String fullPath(JsonMappingException e) {
        StringBuilder sb = new StringBuilder();
        for (JsonMappingException.Reference r : e.getPath()) {
            if (r.getFieldName() != null) {
                if (!sb.isEmpty()) sb.append('.');
                sb.append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                sb.append('[').append(r.getIndex()).append(']');
            }
        }
        return sb.toString();
    }

    private static String typeName(Class<?> type) {
        if (type == null) return "of another type";
        if (type == String.class) return "a string";
        if (type == UUID.class) return "a UUID string";
        if (type == Integer.class || type == int.class || type == Long.class || type == long.class) return "an integer";
        if (type == Boolean.class || type == boolean.class) return "a boolean";
        if (Collection.class.isAssignableFrom(type) || type.isArray()) return "an array";
        return "an object";
    }

    /** {@return the value} @throws ParleyException INVALID "{field} is required" when null (for compact constructors) */
    static <T> T required(String field, T value) {
        if (value == null) throw ParleyException.invalid(field + " is required");
        return value;
    }

    // ---- authentication -----------------------------------------------------------------------

    /** {@return the caller} @throws ParleyException UNAUTHORIZED without a valid bearer token */
    static Principal authenticate(AuthService auth, HttpRequest request) {
        return auth.authenticate(request.bearerToken());
    }

    // ---- parameters ---------------------------------------------------------------------------

    /** {@return a UUID path parameter} @throws ParleyException INVALID naming the parameter */
    static UUID uuidPath(HttpRequest request, String name) {
        return uuid(name, request.pathParam(name));
    }

    /** {@return a UUID query parameter, or null if absent} @throws ParleyException INVALID naming the parameter */
    static UUID uuidQuery(HttpRequest request, String name) {
        String v = request.queryParam(name);
        return v == null || v.isEmpty() ? null : uuid(name, v);
    }

    static UUID uuid(String name, String value) {
        if (value == null || value.isEmpty()) throw ParleyException.invalid(name + " is required");
        // UUID.fromString also takes other groupings ("1-2-3-4-5"); insist on the canonical form.
        UUID id = UuidText.parse(value);
        if (id == null) throw ParleyException.invalid(name + " must be a UUID");
        return id;
    }

    /** {@return an integer query parameter in [min, max], or the default if absent} */
    static int intQuery(HttpRequest request, String name, int min, int max, int dflt) {
        String v = request.queryParam(name);
        if (v == null || v.isEmpty()) return dflt;
        long n = longValue(name, v);
        if (n < min || n > max) throw ParleyException.invalid(name + " must be between " + min + " and " + max);
        return (int) n;
    }

    /** {@return a non-negative long query parameter, or null if absent} */
    static Long seqQuery(HttpRequest request, String name) {
        String v = request.queryParam(name);
        if (v == null || v.isEmpty()) return null;
        long n = longValue(name, v);
        if (n < 0) throw ParleyException.invalid(name + " must not be negative");
        return n;
    }

    private static long longValue(String name, String v) {
        if (v.length() > 19 || !v.matches("-?[0-9]+")) throw ParleyException.invalid(name + " must be an integer");
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw ParleyException.invalid(name + " must be an integer");
        }
    }

    /** {@return a boolean query parameter ("true" or "false"), or false if absent} */
    static boolean boolQuery(HttpRequest request, String name) {
        String v = request.queryParam(name);
        if (v == null || v.isEmpty()) return false;
        return switch (v.toLowerCase(Locale.ROOT)) {
            case "true", "1" -> true;
            case "false", "0" -> false;
            default -> throw ParleyException.invalid(name + " must be true or false");
        };
    }

    /** {@return a role from its wire name, or null for null} @throws ParleyException INVALID for an unknown role */
    static Role role(String wire) {
        if (wire == null) return null;
        try {
            return Role.fromWire(wire);
        } catch (IllegalArgumentException e) {
            throw ParleyException.invalid("role must be one of guest, member, admin, owner");
        }
    }

    // ---- idempotency and writes ---------------------------------------------------------------

    /**
     * {@return the client id for a log write: the {@code Idempotency-Key} header (a UUID) if present, else a random UUID}
     *
     * @throws ParleyException INVALID if the header is present but not a UUID
     */
    static UUID idempotencyKey(HttpRequest request) {
        String key = request.header("idempotency-key");
        if (key == null || key.isBlank()) return UUID.randomUUID();
        return uuid("Idempotency-Key", key.strip());
    }

    /**
     * Waits for a write to commit.
     *
     * @throws ParleyException the write's own failure, unwrapped; UNAVAILABLE (retry after 1 s, with the
     *     same idempotency key) if it has not committed within {@link #WRITE_TIMEOUT}
     */
    static <T> T await(CompletableFuture<T> future) {
        try {
            return future.get(WRITE_TIMEOUT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (ExecutionException | CompletionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
                cause = cause.getCause();
            }
            if (cause instanceof ParleyException pe) throw pe;
            if (cause instanceof RuntimeException re) throw re;
            throw new IllegalStateException("write failed", cause);
        } catch (TimeoutException e) {
            throw ParleyException.unavailable("the write did not complete in time; retry with the same idempotency key", 1, null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ParleyException.unavailable("interrupted while waiting for the write", 1, e);
        }
    }

    // ---- responses ----------------------------------------------------------------------------

    static HttpResponse created(Object value) {
        return HttpResponse.json(201, value);
    }

    /** {@return a list as a copy, failing on null elements with INVALID naming the field} */
    static <T> List<T> list(String field, List<T> values) {
        if (values == null) return null;
        for (T v : values) if (v == null) throw ParleyException.invalid(field + " must not contain null");
        return List.copyOf(values);
    }
}
