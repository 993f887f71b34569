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
        System.exit(new CommandLine(new Main()).setCaseInsensitiveEnumValuesAllowed(true).execute(args));
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
