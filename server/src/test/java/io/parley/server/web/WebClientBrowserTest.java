package io.parley.server.web;

import io.parley.server.TestServer;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The web client in a real Chromium: runs {@code web-tests/run.mjs} (Playwright, two people in two
 * browser contexts) against a real server that this test owns. The script asks for the server to be
 * stopped and started again (same data, same port) over a line protocol on its stdout/stdin, so the
 * page stays open across a restart. Screenshots go to {@code server/target/screenshots}.
 *
 * <p>Needs Chromium ({@code /usr/bin/chromium}, or {@code PARLEY_CHROMIUM}), {@code node}, and
 * {@code web-tests/node_modules} ({@code npm ci}, which {@code ./parley test} runs). Without them it
 * skips with the reason, except under {@code CI=true}, where it fails.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class WebClientBrowserTest {
    private static final Path WEB_TESTS = Path.of("..", "web-tests").toAbsolutePath().normalize();
    private static final Path CHROMIUM = Path.of(System.getenv().getOrDefault("PARLEY_CHROMIUM", "/usr/bin/chromium"));
    private static final Path SHOTS = Path.of("target", "screenshots").toAbsolutePath();
    // Short-lived access tokens, so the run sees token.refresh and renews over REST and on the socket.
    private static final Map<String, String> CONFIG = Map.of("auth.access_ttl", "75s", "gateway.token_refresh_lead", "60s");

    private static final int RUN_LIMIT_SECONDS = 200;

    @Test
    void twoPeopleChatInChromium() throws Exception {
        requirePrerequisites();
        TestServer server = TestServer.start(CONFIG);
        try {
            ProcessBuilder pb = new ProcessBuilder("node", "run.mjs").directory(WEB_TESTS.toFile()).redirectErrorStream(true);
            pb.environment().put("PARLEY_URL", server.baseUrl());
            pb.environment().put("PARLEY_SCREENSHOTS", SHOTS.toString());
            pb.environment().put("PARLEY_CHROMIUM", CHROMIUM.toString());
            Process node = pb.start();
            // Reading the script's output blocks, so a watchdog enforces the time limit.
            Thread watchdog = Thread.ofVirtual().start(() -> {
                try {
                    if (!node.waitFor(RUN_LIMIT_SECONDS, TimeUnit.SECONDS)) {
                        System.out.println("[web-tests] still running after " + RUN_LIMIT_SECONDS + " s: stopped");
                        node.destroyForcibly();
                    }
                } catch (InterruptedException e) {
                    node.destroyForcibly();
                }
            });
            List<String> output = new ArrayList<>();
            TestServer[] current = {server};
            try (BufferedReader out = new BufferedReader(new InputStreamReader(node.getInputStream(), StandardCharsets.UTF_8));
                 Writer in = new OutputStreamWriter(node.getOutputStream(), StandardCharsets.UTF_8)) {
                String line;
                while ((line = out.readLine()) != null) {
                    System.out.println("[web-tests] " + line);
                    output.add(line);
                    if (line.startsWith("@@parley:")) {
                        in.write(control(line.substring(9), current) + "\n");
                        in.flush();
                    }
                }
            }
            boolean ended = node.waitFor(30, TimeUnit.SECONDS);
            if (!ended) node.destroyForcibly();
            watchdog.interrupt();
            server = current[0];
            assertEquals(0, ended ? node.exitValue() : -1, "the browser tests failed:\n" + String.join("\n", tail(output, 60))
                    + "\nscreenshots: " + SHOTS);
        } finally {
            server.close();
        }
    }

    private static String control(String command, TestServer[] current) {
        try {
            switch (command) {
                case "stop-server" -> current[0].stop();
                case "start-server" -> current[0] = TestServer.restartOnSamePort(current[0]);
                default -> { return command + " failed: unknown command"; }
            }
            return command + " done";
        } catch (RuntimeException e) {
            return command + " failed: " + e;
        }
    }

    private static List<String> tail(List<String> lines, int n) {
        return lines.subList(Math.max(0, lines.size() - n), lines.size());
    }

    /** Skips (or, with CI=true, fails) when Chromium, node or the npm packages are missing. */
    private static void requirePrerequisites() throws IOException, InterruptedException {
        List<String> missing = new ArrayList<>();
        if (!Files.isExecutable(CHROMIUM)) missing.add("Chromium at " + CHROMIUM + " (apt-get install chromium)");
        if (!commandWorks("node", "--version")) missing.add("node on the PATH");
        if (!Files.isDirectory(WEB_TESTS.resolve("node_modules").resolve("playwright-core"))) {
            missing.add("web-tests/node_modules (cd web-tests && npm ci)");
        }
        if (missing.isEmpty()) return;
        String reason = "browser tests need " + String.join(", ", missing);
        if ("true".equals(System.getenv("CI"))) fail(reason);
        System.out.println("SKIPPED WebClientBrowserTest: " + reason);
        Assumptions.abort(reason);
    }

    private static boolean commandWorks(String... command) throws InterruptedException {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        }
    }
}
