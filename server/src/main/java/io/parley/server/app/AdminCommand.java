package io.parley.server.app;

import io.parley.core.error.ParleyException;
import io.parley.core.workspace.WorkspaceService;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.time.Clock;
import java.util.concurrent.Callable;

/** {@code parley admin …}: operator tasks run against the store directly. */
@Command(name = "admin", mixinStandardHelpOptions = true, description = "Administration tasks.",
        subcommands = {AdminCommand.Bootstrap.class, AdminCommand.Reindex.class})
final class AdminCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** First-run setup from the command line. */
    @Command(name = "bootstrap", mixinStandardHelpOptions = true,
            description = "Create the owner account and the first workspace (only while no account exists).")
    static final class Bootstrap implements Callable<Integer> {
        @Mixin
        ConfigOptions options;

        @Option(names = "--email", required = true) String email;
        @Option(names = "--handle", required = true) String handle;
        @Option(names = "--name", description = "Display name (defaults to the handle).") String name;
        @Option(names = "--workspace", required = true, description = "Name of the first workspace.") String workspace;
        @Option(names = "--password", description = "Password; default: the PARLEY_BOOTSTRAP_PASSWORD variable, else asked interactively.",
                interactive = true, arity = "0..1") String password;

        @Override
        public Integer call() throws Exception {
            ParleyConfig config = options.loadOrReport();
            if (config == null) return 2;
            String pw = password != null ? password : System.getenv("PARLEY_BOOTSTRAP_PASSWORD");
            if (pw == null) {
                System.err.println("a password is required: --password, or PARLEY_BOOTSTRAP_PASSWORD");
                return 2;
            }
            try (Wiring w = Wiring.open(config, Clock.systemUTC(), false, null)) {
                WorkspaceService.Setup s = w.services().workspaces().bootstrap(email, handle, name, pw, workspace);
                System.out.println("Created owner " + s.tokens().user().handle() + " and workspace '" + s.workspace().name()
                        + "' (" + s.workspace().id() + "). Sign in with " + s.tokens().user().email() + ".");
                return 0;
            } catch (ParleyException e) {
                System.err.println("bootstrap failed: " + e.getMessage());
                return 1;
            }
        }
    }

    /** Rebuilds the search index from the store, with a progress bar. */
    @Command(name = "reindex", mixinStandardHelpOptions = true,
            description = "Rebuild the search index from the store (stop the server first: it holds the index).")
    static final class Reindex implements Callable<Integer> {
        @Mixin
        ConfigOptions options;

        @Override
        public Integer call() {
            ParleyConfig config = options.loadOrReport();
            if (config == null) return 2;
            try (Wiring w = Wiring.open(config, Clock.systemUTC(), false, null);
                 io.parley.core.search.SearchIndex index = w.stores().kind() == io.parley.server.store.StoreKind.POSTGRES
                         ? w.stores().fullTextIndex() : new io.parley.server.search.LuceneIndex(Wiring.searchDir(config), id -> null)) {
                long total = w.stores().messages().liveCount();
                long start = System.nanoTime();
                long[] n = {0};
                index.advance(new io.parley.core.search.IndexRecovery(w.stores().messages(), w.stores().chats())
                        .rebuild(index, done -> System.err.print("\r" + ProgressBar.render(n[0] = done, total, start))));
                index.flush();
                System.err.println("\r" + ProgressBar.render(n[0], Math.max(n[0], total), start));
                System.out.println("Reindexed " + n[0] + " messages.");
                return 0;
            } catch (ParleyException e) {
                System.err.println("reindex failed: " + e.getMessage());
                return 1;
            }
        }
    }
}
