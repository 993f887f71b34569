package io.parley.server.app;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * {@code parley serve}: runs a node until SIGTERM/SIGINT, then drains and exits 0.
 *
 * <p>SIGTERM and SIGINT are handled, not left to the JVM's default: the default starts the JVM's shutdown
 * sequence, and a JVM that shuts down because of a signal exits 128+signal (143) whatever the hooks do (a
 * {@code System.exit(0)} from the main thread blocks while hooks run). A handled signal only releases the main
 * thread, which drains the node and returns 0, so an orchestrator sees a clean stop. The shutdown hook stays
 * for every other way the JVM can go down (another signal, or {@code System.exit}).
 *
 * <p>With TLS on, SIGHUP reloads the certificate and key files for new connections (open ones keep theirs), as
 * web servers do after a renewal; without TLS it keeps the JVM's default (a drain through the shutdown hook).
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Start Parley. With no options: SQLite under ./data, HTTP and WebSocket on 127.0.0.1:8080.")
final class ServeCommand implements Callable<Integer> {
    @Mixin
    ConfigOptions options;

    @Override
    public Integer call() throws Exception {
        ParleyConfig config = options.loadOrReport();
        if (config == null) return 2;
        ParleyServer server;
        try {
            server = new ParleyServer(config).start();
        } catch (io.parley.server.federation.link.PodKeyException e) {
            System.err.println("parley: " + e.getMessage());
            return 1;
        }
        CountDownLatch stop = new CountDownLatch(1);
        onSignal("TERM", stop::countDown);
        onSignal("INT", stop::countDown);
        if (server.tls()) {
            onSignal("HUP", server::reloadTls); // each signal runs its handler on a thread of its own: reading files there is fine
        }
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("parley-shutdown").unstarted(server::close));
        System.out.println("Parley is running at " + server.url());
        if (server.redirectAddress() != null) {
            System.out.println("Plain HTTP on port " + server.redirectAddress().getPort() + " redirects to https");
        }
        if (server.services().workspaces().setupOpen()) {
            System.out.println("First run: open " + server.url() + " to create the owner account and workspace,");
            System.out.println("  or run: parley admin bootstrap --email you@example.com --handle you --workspace \"My team\"");
        }
        System.out.flush();
        stop.await();
        server.close();
        return 0;
    }

    /**
     * Makes a signal run {@code action} instead of the JVM's default; if it cannot (-Xrs, or a platform without the
     * signal), says so and the default stays: for TERM and INT the hook does the drain.
     */
    private static void onSignal(String name, Runnable action) {
        try {
            sun.misc.Signal.handle(new sun.misc.Signal(name), sig -> action.run());
        } catch (IllegalArgumentException | UnsupportedOperationException e) {
            System.err.println("parley: cannot handle SIG" + name + " (" + e.getMessage() + "); it keeps the JVM's default");
        }
    }
}
