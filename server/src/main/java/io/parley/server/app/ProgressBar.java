package io.parley.server.app;

import java.util.Locale;

/** A one-line text progress bar for long admin tasks: {@code [#####.....]  52%  52,000/100,000  12,345/s}. */
final class ProgressBar {
    private static final int WIDTH = 30;

    private ProgressBar() {}

    static String render(long done, long total, long startNanos) {
        double fraction = total <= 0 ? 1 : Math.min(1, (double) done / total);
        int filled = (int) Math.round(fraction * WIDTH);
        double secs = Math.max(1e-3, (System.nanoTime() - startNanos) / 1e9);
        return String.format(Locale.ROOT, "[%s%s] %3d%%  %,d/%,d  %,.0f/s", "#".repeat(filled), ".".repeat(WIDTH - filled),
                Math.round(fraction * 100), done, total, done / secs);
    }
}
