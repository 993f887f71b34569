package io.parley.server.gateway;

import io.parley.core.auth.AuthService;
import io.parley.core.protocol.CloseCode;
import io.parley.core.protocol.ServerFrame;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * The gateway's clock: every second it closes silent connections (heartbeat timeout), idle ones
 * (no application traffic), and those whose access token expired; it sends {@code token.refresh}
 * ahead of expiry, and drops lapsed presence subscriptions. Every {@code revocationSweep} it re-checks all live sessions against the store,
 * so a revocation closes sockets within 30 s even if the bus event was lost. On a pod's bus it also
 * runs the delivery's {@linkplain LocalDelivery#catchUp() catch-up} against the store every {@link ChatLanes#CATCH_UP_EVERY}
 * (on one node the same call retries failed gap repairs and retires idle chat lanes).
 */
final class Sweeper implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Sweeper.class);

    private final Hub hub;
    private final Runnable catchUpAction;
    private final AuthService auth;
    private final GatewayConfig config;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("parley-gateway-sweeper").daemon().factory());

    Sweeper(Hub hub, Runnable catchUp, AuthService auth, GatewayConfig config) {
        this.hub = hub;
        this.catchUpAction = catchUp;
        this.auth = auth;
        this.config = config;
    }

    void start() {
        timer.scheduleWithFixedDelay(this::sweepLiveness, 1, 1, TimeUnit.SECONDS);
        long every = config.revocationSweep().toMillis();
        timer.scheduleWithFixedDelay(this::sweepRevocations, every, every, TimeUnit.MILLISECONDS);
        long catchUp = ChatLanes.CATCH_UP_EVERY.toMillis();
        timer.scheduleWithFixedDelay(this::catchUp, catchUp, catchUp, TimeUnit.MILLISECONDS);
    }

    private void catchUp() {
        try {
            catchUpAction.run();
        } catch (RuntimeException e) {
            log.debug("catch-up against the store failed (database unavailable?); will retry", e);
        }
    }

    private void sweepLiveness() {
        try {
            long now = System.nanoTime();
            Instant wall = Instant.now();
            for (Connection c : hub.all()) {
                if (c.nanosSinceReceived(now) > config.heartbeatTimeout().toNanos()) {
                    c.close(CloseCode.HEARTBEAT_TIMEOUT);
                } else if (c.nanosSinceActivity(now) > config.idleTimeout().toNanos()) {
                    c.close(CloseCode.IDLE_TIMEOUT);
                } else if (!wall.isBefore(c.principal().expiresAt())) {
                    c.close(CloseCode.UNAUTHORIZED);
                } else if (!c.refreshAnnounced() && wall.plus(config.tokenRefreshLead()).isAfter(c.principal().expiresAt())) {
                    c.markRefreshAnnounced();
                    c.send(ServerFrameEncoder.encode(new ServerFrame.TokenRefresh(c.principal().expiresAt(), "/api/v1/auth/refresh")));
                }
            }
            hub.presenceWatchers().purge(System.currentTimeMillis());
        } catch (RuntimeException e) {
            log.warn("liveness sweep failed", e);
        }
    }

    private void sweepRevocations() {
        try {
            Map<UUID, java.util.List<Connection>> bySession = hub.all().stream()
                    .collect(Collectors.groupingBy(c -> c.principal().sessionId()));
            if (bySession.isEmpty()) return;
            Set<UUID> inactive = auth.inactiveSessions(bySession.keySet());
            for (UUID s : inactive) bySession.get(s).forEach(c -> c.close(CloseCode.UNAUTHORIZED));
        } catch (RuntimeException e) {
            log.warn("revocation sweep failed (database unavailable?); will retry", e);
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
