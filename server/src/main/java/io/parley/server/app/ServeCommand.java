package io.parley.server.app;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** {@code parley serve}: runs a node until SIGTERM/SIGINT, then drains. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Start Parley. With no options: SQLite under ./data, HTTP and WebSocket on 127.0.0.1:8080.")
final class ServeCommand implements Callable<Integer> {
    @Mixin
    ConfigOptions options;

    @Override
    public Integer call() throws Exception {
        ParleyConfig config = options.loadOrReport();
        if (config == null) return 2;
        ParleyServer server = new ParleyServer(config).start();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("parley-shutdown").unstarted(() -> {
            server.close();
            stopped.countDown();
        }));
        System.out.println("Parley is running at " + server.url());
        if (server.services().workspaces().setupOpen()) {
            System.out.println("First run: open " + server.url() + " to create the owner account and workspace,");
            System.out.println("  or run: parley admin bootstrap --email you@example.com --handle you --workspace \"My team\"");
        }
        System.out.flush();
        stopped.await();
        return 0;
    }
}
