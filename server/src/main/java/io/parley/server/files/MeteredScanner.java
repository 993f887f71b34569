package io.parley.server.files;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.parley.core.files.FileInspector;
import io.parley.core.files.FileScanner;

import java.time.Duration;
import java.util.Map;

/**
 * Times every scan by its result: {@code parley_file_scan_seconds{result=clean|infected|too_large|unavailable}}.
 * Its count by result is how many uploads were found infected, or could not be judged.
 */
public final class MeteredScanner implements FileScanner {
    private final FileScanner scanner;
    private final Map<Class<? extends Verdict>, Timer> timers;

    public MeteredScanner(FileScanner scanner, MeterRegistry registry) {
        this.scanner = scanner;
        this.timers = Map.of(
                Clean.class, timer(registry, "clean"),
                Infected.class, timer(registry, "infected"),
                TooLarge.class, timer(registry, "too_large"),
                Unavailable.class, timer(registry, "unavailable"));
    }

    private static Timer timer(MeterRegistry registry, String result) {
        return Timer.builder("parley_file_scan").description("virus scans of uploads, by result").tag("result", result)
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofMinutes(2))
                .register(registry);
    }

    @Override
    public Verdict scan(FileInspector.Source bytes) {
        long start = System.nanoTime();
        Verdict v = scanner.scan(bytes);
        timers.get(v.getClass()).record(Duration.ofNanos(System.nanoTime() - start));
        return v;
    }
}
