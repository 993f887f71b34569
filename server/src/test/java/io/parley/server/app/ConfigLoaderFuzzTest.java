package io.parley.server.app;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * Fuzzes the config loader ({@link ConfigLoader#load}): a TOML file, environment variables and command-line
 * overrides. The input gives up to 12 settings, each a key the loader knows (from its own table, so keys added later
 * are fuzzed too) with any value, put in the environment ({@code PARLEY_SECTION_KEY}), in the overrides, or in the
 * file as a TOML line; the rest of the input is appended to the file as it is.
 *
 * <p>Property: a {@link ParleyConfig}, or {@link ConfigLoader.InvalidConfig} listing at least one problem, each a
 * sentence — nothing else escapes, so a bad file or variable stops the server with the list of what is wrong
 * instead of a stack trace.
 *
 * <p>Kept seeds: {@code ConfigLoaderFuzzTestInputs/load/} (every finding).
 */
class ConfigLoaderFuzzTest {
    static {
        // The server runs without -ea, but surefire turns assertions on, and tomlj asserts on some malformed escapes
        // (a unicode escape cut short) that it otherwise reports as an error like any other: test it as it runs. (This must
        // happen before tomlj's classes load, which in a fuzzing JVM is after this class.)
        ClassLoader.getSystemClassLoader().setPackageAssertionStatus("org.tomlj", false);
    }

    private static final List<String> KEYS = knownKeys();
    private static Path dir;
    private static Path file;

    @BeforeAll
    static void tempFile() throws IOException {
        dir = Files.createTempDirectory("parley-config-fuzz-");
        file = dir.resolve("parley.toml");
    }

    @AfterAll
    static void removeTempFile() throws IOException {
        Files.deleteIfExists(file);
        Files.deleteIfExists(dir);
    }

    @FuzzTest(maxDuration = "20s")
    @DictionaryEntries({"[server]", "[store]", "[pod]", "[files]", " = ", "\"", "'''", "\"\"\"", "[[", "{", "99999999999999999999",
            "9223372036854775807", "106751991167300d", "PT9999999999H", "-5s", "0s", "10MiB", "1TiB", "8388607TiB", "postgres",
            "jdbc:postgresql://h/db", "nats", "nats://h:4222", "https://", "mailto:a@b", "\\u0000", "sha256/", "true"})
    void load(FuzzedDataProvider data) throws IOException {
        Map<String, String> env = new HashMap<>();
        Map<String, String> overrides = new HashMap<>();
        StringBuilder toml = new StringBuilder();
        int settings = data.consumeInt(0, 12);
        for (int i = 0; i < settings; i++) {
            String key = data.pickValue(KEYS);
            String value = data.consumeString(40);
            switch (data.consumeInt(0, 2)) {
                case 0 -> env.put("PARLEY_" + key.toUpperCase(Locale.ROOT).replace('.', '_'), value);
                case 1 -> overrides.put(key, value);
                default -> toml.append('[').append(key, 0, key.indexOf('.')).append("]\n")
                        .append(key.substring(key.indexOf('.') + 1)).append(" = ").append(value).append('\n');
            }
        }
        toml.append(data.consumeRemainingAsString());
        // No file when there is no text for it: parsing TOML costs a millisecond, the rest microseconds.
        if (!toml.isEmpty()) Files.writeString(file, toml, StandardCharsets.UTF_8);
        try {
            assertNotNull(ConfigLoader.load(toml.isEmpty() ? null : file, overrides, env));
        } catch (ConfigLoader.InvalidConfig e) {
            assertFalse(e.problems().isEmpty(), "an invalid config names its problems");
            e.problems().forEach(p -> assertFalse(p == null || p.isBlank(), "a problem is a sentence"));
        }
    }

    /** {@return every {@code section.key} the loader accepts, read from its own table} */
    private static List<String> knownKeys() {
        List<String> out = new ArrayList<>();
        ConfigValues.KEYS.forEach((section, keys) -> keys.forEach(k -> out.add(section + "." + k)));
        Collections.sort(out);
        return List.copyOf(out);
    }
}
