package io.parley.server.federation.link;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;

/**
 * The key pair of a single-node pod, in {@code <data_dir>/pod-key.json}: JSON with both keys, the creation time and
 * the checksum ({@link StoredKey}). Created owner-only (600), written to a temporary file, synced, then moved into
 * place, so a crash leaves either no file or a whole one. Looser permissions found on start are tightened, with a
 * warning.
 */
final class PodKeyFile implements KeyPlace {
    static final String NAME = "pod-key.json";
    private static final Logger log = LoggerFactory.getLogger(PodKeyFile.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private final Path file;

    PodKeyFile(Path dataDir) {
        this.file = dataDir.resolve(NAME).toAbsolutePath();
    }

    @Override
    public Optional<StoredKey> read() {
        if (!Files.exists(file)) return Optional.empty();
        JsonNode n;
        try {
            tightenPermissions();
            n = JSON.readTree(Files.readAllBytes(file));
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw PodKeyException.damaged(describe(), "it is not valid JSON");
        } catch (IOException e) {
            throw PodKeyException.unreadable(describe(), e);
        }
        if (n == null || !n.isObject() || n.path("version").asInt() != 1 || !"Ed25519".equals(n.path("algorithm").asText())
                || !n.path("createdAt").canConvertToLong()) {
            throw PodKeyException.damaged(describe(), "it is not a version 1 Ed25519 key file");
        }
        return Optional.of(new StoredKey(text(n, "publicKey"), text(n, "privateKey"),
                Instant.ofEpochMilli(n.get("createdAt").asLong()), text(n, "checksum")));
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || !v.isTextual() ? null : v.asText();
    }

    @Override
    public StoredKey createIfAbsent(StoredKey fresh) {
        ObjectNode n = JSON.createObjectNode();
        n.put("version", 1);
        n.put("algorithm", "Ed25519");
        n.put("publicKey", fresh.publicKey());
        n.put("privateKey", fresh.privateKey());
        n.put("createdAt", fresh.createdAt().toEpochMilli());
        n.put("checksum", fresh.checksum());
        Path tmp = file.resolveSibling(NAME + ".tmp");
        try {
            Files.createDirectories(file.getParent());
            Files.deleteIfExists(tmp);
            if (posix()) Files.createFile(tmp, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
            else Files.createFile(tmp);
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ch.write(java.nio.ByteBuffer.wrap(JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(n)));
                ch.force(true);
            }
            if (Files.exists(file)) throw new FileAlreadyExistsException(file.toString());
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
            return fresh;
        } catch (FileAlreadyExistsException e) {
            return read().orElseThrow();
        } catch (IOException e) {
            throw PodKeyException.unreadable(describe(), e);
        } finally {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // a stray temporary file is rewritten next time
            }
        }
    }

    private void tightenPermissions() throws IOException {
        if (!posix()) return;
        Set<PosixFilePermission> now = Files.getPosixFilePermissions(file);
        if (!now.equals(OWNER_ONLY)) {
            log.warn("the pod key file {} had permissions {}; set to rw------- (only the owner may read it)", file,
                    PosixFilePermissions.toString(now));
            Files.setPosixFilePermissions(file, OWNER_ONLY);
        }
    }

    private boolean posix() {
        return java.nio.file.FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    }

    @Override
    public String describe() { return file.toString(); }

    Path file() { return file; }
}
