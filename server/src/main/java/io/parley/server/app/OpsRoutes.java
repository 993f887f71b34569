package io.parley.server.app;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.parley.core.store.StoreHealth;
import io.parley.server.gateway.Hub;
import io.parley.server.http.HttpResponse;
import io.parley.server.http.Router;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * {@code /health}, {@code /ready} and {@code /metrics}, in the shapes of spec 003. Liveness says how
 * things are (200 while the process can answer, with {@code status} healthy/degraded/unhealthy);
 * readiness says whether to send traffic here (503 while the database is unreachable or the node is draining).
 */
final class OpsRoutes {
    private final StoreHealth store;
    private final Hub hub;
    private final PrometheusMeterRegistry registry;
    private final BooleanSupplier draining;
    private final java.util.function.Supplier<Map<String, Object>> pods;

    /** @param pods the "pods" section: this pod's id and each peer's state, score and skew flag */
    OpsRoutes(StoreHealth store, Hub hub, PrometheusMeterRegistry registry, BooleanSupplier draining,
              java.util.function.Supplier<Map<String, Object>> pods) {
        this.store = store;
        this.hub = hub;
        this.registry = registry;
        this.draining = draining;
        this.pods = pods;
    }

    void register(Router router) {
        router.get("/health", r -> health());
        router.get("/ready", r -> ready());
        router.get("/metrics", r -> HttpResponse.text(200, "text/plain; version=0.0.4; charset=utf-8", registry.scrape()));
    }

    private HttpResponse health() {
        long ms = store.pingMillis();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", ms < 0 ? "unhealthy" : draining.getAsBoolean() ? "degraded" : "healthy");
        Map<String, Object> db = new LinkedHashMap<>();
        db.put("connected", ms >= 0);
        db.put("responseTime", ms < 0 ? null : ms);
        body.put("database", db);
        body.put("websocket", Map.of("connections", hub.size()));
        body.put("pods", pods.get()); // peers' health is shown, not judged: a dead peer does not make this node unhealthy
        return HttpResponse.json(200, body);
    }

    private HttpResponse ready() {
        long ms = store.pingMillis();
        boolean drain = draining.getAsBoolean();
        boolean ready = ms >= 0 && !drain;
        Map<String, Object> checks = new LinkedHashMap<>();
        checks.put("database", ms >= 0 ? "healthy" : "unhealthy");
        checks.put("websocket", drain ? "draining" : "healthy");
        return HttpResponse.json(ready ? 200 : 503, Map.of("ready", ready, "checks", checks));
    }
}
