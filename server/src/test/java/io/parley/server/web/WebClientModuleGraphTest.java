package io.parley.server.web;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The web client's ES modules import each other without a cycle. In a cycle the browser evaluates one module
 * before a module it imports, so what it reads at load time may not be there yet; and a cycle through the module
 * views use ({@code client.js}) is how the client's parts stopped being parts. The graph is read from the static
 * {@code import … from './x.js'}, {@code import './x.js'} and {@code export … from './x.js'} statements (a dynamic
 * {@code import()} is evaluated later, when the cycle does no harm, and none exists today).
 */
class WebClientModuleGraphTest {
    /** A static import or re-export, however many lines its braces take: the keyword starts a line. */
    private static final Pattern FROM = Pattern.compile(
            "^[ \\t]*(?:import|export)\\b[^;'\"`]*?\\bfrom\\s*(['\"])([^'\"]+)\\1", Pattern.MULTILINE);
    /** An import for its effects only: {@code import './x.js';}. */
    private static final Pattern BARE = Pattern.compile("^[ \\t]*import\\s*(['\"])([^'\"]+)\\1", Pattern.MULTILINE);

    private static Path root;
    private static Map<String, Set<String>> graph;

    @BeforeAll
    static void readModules() throws Exception {
        root = Path.of(WebClientModuleGraphTest.class.getClassLoader().getResource("web/index.html").toURI()).getParent();
        graph = read(root);
    }

    /** {@return each module under {@code root} (its path from there, with '/') and the modules it imports} */
    static Map<String, Set<String>> read(Path root) throws IOException {
        Map<String, Set<String>> out = new TreeMap<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.filter(p -> p.toString().endsWith(".js")).toList()) {
                String text = Files.readString(file);
                Set<String> imports = new TreeSet<>();
                for (Pattern p : List.of(FROM, BARE)) {
                    Matcher m = p.matcher(text);
                    while (m.find()) imports.add(resolve(root, file, m.group(2)));
                }
                out.put(name(root, file), imports);
            }
        }
        return out;
    }

    /** {@return the module a specifier names, as a path from the web root}; '/js/x.js' is from the root already */
    private static String resolve(Path root, Path from, String specifier) {
        Path target = specifier.startsWith("/") ? root.resolve(specifier.substring(1)) : from.getParent().resolve(specifier);
        return name(root, target.normalize());
    }

    private static String name(Path root, Path file) {
        return root.relativize(file).toString().replace('\\', '/');
    }

    /** {@return every cycle found by a depth-first walk, each as the path that closes it: a → b → a} */
    static List<String> cycles(Map<String, Set<String>> graph) {
        List<String> found = new ArrayList<>();
        Set<String> done = new HashSet<>();
        for (String start : graph.keySet()) walk(start, graph, new ArrayDeque<>(), new HashSet<>(), done, found);
        return found;
    }

    private static void walk(String module, Map<String, Set<String>> graph, Deque<String> path, Set<String> onPath,
                             Set<String> done, List<String> found) {
        if (done.contains(module)) return;
        path.addLast(module);
        onPath.add(module);
        for (String next : graph.getOrDefault(module, Set.of())) {
            if (onPath.contains(next)) {
                List<String> trail = new ArrayList<>(path);
                found.add(String.join(" → ", trail.subList(trail.indexOf(next), trail.size())) + " → " + next);
            } else {
                walk(next, graph, path, onPath, done, found);
            }
        }
        path.removeLast();
        onPath.remove(module);
        done.add(module);
    }

    @Test
    void theModulesImportEachOtherWithoutACycle() {
        List<String> cycles = cycles(graph);
        assertTrue(cycles.isEmpty(), "import cycles in server/src/main/resources/web: " + cycles);
    }

    @Test
    void everyImportNamesAModuleThatExists() {
        Set<String> missing = new TreeSet<>();
        graph.forEach((module, imports) -> imports.stream().filter(i -> !graph.containsKey(i))
                .forEach(i -> missing.add(module + " → " + i)));
        assertTrue(missing.isEmpty(), "imports of modules that do not exist: " + missing);
    }

    @Test
    void theGraphIsReadFromTheImportsAsWritten() {
        // The reader itself: one-line, multi-line and re-export forms all count, and the views reach client.js.
        assertAll(
                () -> assertTrue(graph.get("js/main.js").contains("js/client.js"), graph.get("js/main.js").toString()),
                () -> assertTrue(graph.get("js/client.js").contains("js/outbox.js"), "re-export: " + graph.get("js/client.js")),
                () -> assertTrue(graph.get("js/render/chat.js").contains("js/dom.js"), graph.get("js/render/chat.js").toString()));
    }

    @Test
    void aCycleIsFoundAndNamed() {
        Map<String, Set<String>> g = new HashMap<>();
        g.put("a.js", Set.of("b.js"));
        g.put("b.js", Set.of("c.js"));
        g.put("c.js", Set.of("a.js", "d.js"));
        g.put("d.js", Set.of());
        assertEquals(List.of("a.js → b.js → c.js → a.js"), cycles(new TreeMap<>(g)));
    }

    @Test
    void multiLineImportsAreRead(@TempDir Path dir) throws IOException {
        Files.createDirectories(dir.resolve("js"));
        Files.writeString(dir.resolve("js/a.js"), "import {\n  x,\n  y,\n} from './b.js';\nexport * from \"./c.js\";\n"
                + "import './d.js';\nconst s = 'import nothing from this string';\n");
        assertEquals(Set.of("js/b.js", "js/c.js", "js/d.js"), read(dir).get("js/a.js"));
    }
}
