package io.parley.server.app;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code parley}: the one jar's entry point and its subcommands. */
@Command(name = "parley", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Parley: a self-hosted team chat server that heals itself.",
        subcommands = {ServeCommand.class, AdminCommand.class, io.parley.server.bench.BenchCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        // SQLite runs in JNI, and a virtual thread in a native call pins its carrier. With only as many
        // carriers as cores, a burst of database reads (10,000 connections subscribing at once) stalls
        // every socket's frames; more carriers keep them moving. Must be set before any virtual thread.
        if (System.getProperty("jdk.virtualThreadScheduler.parallelism") == null) {
            System.setProperty("jdk.virtualThreadScheduler.parallelism",
                    Integer.toString(Math.max(16, 4 * Runtime.getRuntime().availableProcessors())));
        }
        CommandLine cli = new CommandLine(new Main()).setCaseInsensitiveEnumValuesAllowed(true);
        // bench search runs in process and needs the node's wiring, which lives here in app
        cli.getSubcommands().get("bench").addSubcommand("search", new SearchBenchCommand());
        System.exit(cli.execute(args));
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** The version from the jar's manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[]{"parley " + (v == null ? "development build" : v)};
        }
    }
}
