package io.parley.server.app;

import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.parley.core.auth.PasswordHasher;
import io.parley.core.notify.NotificationDispatcher;
import io.parley.core.notify.PushSender;
import io.parley.core.protocol.CloseCode;
import io.parley.server.api.RestApi;
import io.parley.server.gateway.Gateway;
import io.parley.server.gateway.GatewayMetrics;
import io.parley.server.gateway.Hub;
import io.parley.server.gateway.LocalDelivery;
import io.parley.server.gateway.SessionNotifier;
import io.parley.server.http.Router;
import io.parley.server.outbound.HostResolver;
import io.parley.server.web.WebClientRoutes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.function.UnaryOperator;

/**
 * One Parley node: the {@link Wiring} (stores → bus → services) plus hub and gateway.
 * {@link #start()} opens the store (running migrations) and binds; {@link #close()} drains: stop
 * accepting, tell clients to reconnect ({@link CloseCode#GOING_AWAY}), let the log writer commit
 * what it holds, close the store.
 */
public final class ParleyServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ParleyServer.class);

    private final ParleyConfig config;
    private final Clock clock;
    private final PushSender push;
    private final Seams seams;
    private Wiring wiring;
    private io.parley.server.federation.resilient.ReplicaAcks replicaAcks;
    private NotificationDispatcher notifications;
    private Gateway gateway;
    private io.parley.server.federation.link.Federation federation;
    private io.parley.server.federation.org.OrgChannels orgs;
    private io.parley.server.federation.resilient.ResilientChannels resilient;
    private io.parley.server.federation.link.PodDuties duties;
    private io.parley.server.tls.ServerTls tls;
    private InetSocketAddress address;
    private InetSocketAddress redirectAddress;
    private volatile boolean draining;

    public ParleyServer(ParleyConfig config) {
        // Millisecond ticks: what the store keeps, so a message reads the same before and after a round trip.
        this(config, Clock.tick(Clock.systemUTC(), java.time.Duration.ofMillis(1)), null);
    }

    /**
     * A node with its clock (tests move time for DND schedules and rate limits) and push transport (the Web
     * Push sender, or a recording fake in tests).
     */
    public ParleyServer(ParleyConfig config, Clock clock, PushSender push) {
        this(config, clock, push, Seams.NONE);
    }

    /**
     * What tests may swap in a node besides its clock and push transport.
     *
     * @param resolver how outbound connections look hosts up ({@link HostResolver#SYSTEM}; tests simulate DNS)
     * @param hashers wraps the password hasher, inside the bound on concurrent hashing (tests count what runs)
     */
    public record Seams(HostResolver resolver, UnaryOperator<PasswordHasher> hashers) {
        public static final Seams NONE = new Seams(HostResolver.SYSTEM, UnaryOperator.identity());

        public Seams withResolver(HostResolver r) { return new Seams(r, hashers); }

        public Seams withHashers(UnaryOperator<PasswordHasher> h) { return new Seams(resolver, h); }
    }

    /** A node with some of its seams swapped (tests). */
    public ParleyServer(ParleyConfig config, Clock clock, PushSender push, Seams seams) {
        this.config = config;
        this.clock = clock;
        this.push = push;
        this.seams = seams;
    }

    /** Opens the store, then serves. {@return this server} */
    public ParleyServer start() throws InterruptedException {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        // TLS first: certificate files that went bad since the configuration was checked stop the node before anything opens.
        tls = config.server().tls().map(t -> io.parley.server.tls.ServerTls.open(t, clock, registry)).orElse(null);
        Router router = new Router();
        var stores = Wiring.openStores(config);
        try { // the pod's key is checked before the node serves: a damaged one stops it here
            federation = io.parley.server.federation.link.Federation.open(podSettings(config.pod()), config.store().dataDir(),
                    stores.kind() == io.parley.server.store.StoreKind.POSTGRES, stores.pods(), clock, registry, router, this::podUrl);
            // The pod layer is there before the services: posts by users (REST and WebSocket alike) pass its gate, and
            // the acks of posts to resilient channels that ask for it wait until replica pods hold them.
            replicaAcks = new io.parley.server.federation.resilient.ReplicaAcks(federation.clock(), registry);
            wiring = Wiring.open(config, stores, clock, true, push, seams, registry,
                    new io.parley.server.federation.resilient.ResilientPostingGate(federation, stores.orgs(), stores.resilient()), replicaAcks);
        } catch (RuntimeException e) {
            if (federation != null) federation.close();
            federation = null;
            stores.close();
            throw e;
        }
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        wiring.outbound().bindTo(registry);
        AuthMetrics.register(registry, wiring.proofs().gate(), wiring.proofs().hashing());
        GatewayMetrics metrics = new GatewayMetrics(registry);
        if (wiring.bus() instanceof io.parley.server.nats.NatsBus nats) { // the pod's bus: what crossed nodes, and what did not decode
            io.micrometer.core.instrument.FunctionCounter.builder("parley_bus_received", nats, io.parley.server.nats.NatsBus::received).register(registry);
            io.micrometer.core.instrument.FunctionCounter.builder("parley_bus_bad_payloads", nats, io.parley.server.nats.NatsBus::badPayloads).register(registry);
            io.micrometer.core.instrument.FunctionCounter.builder("parley_bus_publish_failures", nats, io.parley.server.nats.NatsBus::publishFailures).register(registry);
            io.micrometer.core.instrument.Gauge.builder("parley_bus_watched_subjects", nats, io.parley.server.nats.NatsBus::watchedSubjects).register(registry);
        }
        LocalDelivery delivery = new LocalDelivery(wiring.directory(), wiring.stores().messages(), wiring.stores().chats(), wiring.bus(),
                config.gateway().maxConnectionsPerUser(), metrics, wiring.awareness().presence());
        Hub hub = delivery.hub();
        wiring.bus().subscribe(delivery);
        if (wiring.nats() != null) {
            // After a broker outage, repair from the store at once what the other nodes published meanwhile.
            wiring.nats().onReconnect(() -> Thread.ofVirtual().name("parley-catch-up").start(() -> {
                try {
                    delivery.catchUp();
                } catch (RuntimeException e) {
                    log.warn("catch-up after the NATS reconnect failed; the periodic one will retry", e);
                }
            }));
        }
        var n = config.notifications();
        var presence = wiring.awareness().presence();
        notifications = new NotificationDispatcher(
                new NotificationDispatcher.Ports(wiring.directory(), wiring.stores().users(), wiring.preferences(),
                        wiring.stores().unread(), new SessionNotifier(hub), wiring.push()),
                new NotificationDispatcher.Presence(userId -> presence.of(userId).status() == io.parley.core.realtime.PresenceStatus.DND,
                        userId -> !presence.remoteConnections(userId).isEmpty()),
                clock, new NotificationDispatcher.Settings(n.badgeInterval(), n.toastGroupWindow(), n.queueMax()));
        wiring.bus().subscribe(notifications);

        new OpsRoutes(wiring.stores().health(), hub, registry, () -> draining, federation::healthSection).register(router);
        // One node of a scaled-out pod does the pod-wide work of both layers (org delivery, the replica feed, leases).
        duties = new io.parley.server.federation.link.PodDuties(wiring.stores().orgs(),
                wiring.stores().kind() == io.parley.server.store.StoreKind.POSTGRES, federation.clock(), registry);
        orgs = new io.parley.server.federation.org.OrgChannels(federation, wiring.stores().orgs(), wiring.stores().pods(),
                wiring.services().chats(), wiring.stores().chats(), wiring.stores().messages(), wiring.stores().users(), wiring.bus(),
                wiring.hlc(), wiring.services().files(), duties, registry);
        resilient = new io.parley.server.federation.resilient.ResilientChannels(federation, wiring.stores().resilient(), wiring.stores().orgs(),
                wiring.stores().pods(), orgs, registry, replicaAcks, duties);
        new RestApi(wiring.services(), wiring.webPush().subscriptions(), wiring.preferences(), wiring.stores().unread(),
                this::url, federation.peering(), orgs, resilient).register(router);
        new WebClientRoutes().register(router);
        wiring.webPush().start();

        Services s = wiring.services();
        gateway = new Gateway(config.gateway(), router, delivery, s, metrics, wiring.awareness().typing(), wiring.awareness().presence(), tls,
                config.server().trustedProxies());
        address = gateway.start(config.server().host(), config.server().port());
        if (tls != null) {
            tls.start();
            var redirect = tls.settings().redirectPort();
            if (redirect.isPresent()) {
                redirectAddress = gateway.startRedirect(config.server().host(), redirect.getAsInt(), address.getPort(), config.server().publicUrl());
            }
        }
        federation.start();
        duties.start();
        orgs.start();
        resilient.start();
        return this;
    }

    /** {@return the bound address} */
    public InetSocketAddress address() { return address; }

    /** {@return the plain-HTTP port's address that only redirects to https, or null when there is none} */
    public InetSocketAddress redirectAddress() { return redirectAddress; }

    /** {@return whether this node serves HTTPS itself} */
    public boolean tls() { return tls != null; }

    /**
     * Loads the TLS certificate and key files again for new connections (SIGHUP); open connections keep theirs.
     * {@return whether new connections get what the files hold; false when there is no TLS or the pair was refused}
     */
    public boolean reloadTls() {
        return tls != null && tls.reload();
    }

    /** {@return the URL people open: server.public_url, else derived from the bound address (https with TLS)} */
    public String url() {
        if (!config.server().publicUrl().isBlank()) return config.server().publicUrl();
        String host = address.getHostString();
        if (host.equals("0.0.0.0") || host.equals("::")) host = "localhost";
        return (tls != null ? "https://" : "http://") + host + ":" + address.getPort() + "/";
    }

    /** {@return the base URL other pods reach this one at: pod.public_url, else server.public_url, else the bound address} */
    public String podUrl() {
        String u = !config.pod().publicUrl().isBlank() ? config.pod().publicUrl() : url();
        return u.endsWith("/") ? u.substring(0, u.length() - 1) : u;
    }

    /** {@return the pod layer (identity, links, health; for tests and later features)} */
    public io.parley.server.federation.link.Federation federation() { return federation; }

    /** {@return which node of the pod does its single-node duties (for tests)} */
    public io.parley.server.federation.link.PodDuties duties() { return duties; }

    /** {@return the org-shared channels layer (for tests)} */
    public io.parley.server.federation.org.OrgChannels orgs() { return orgs; }

    private static io.parley.server.federation.link.PodSettings podSettings(ParleyConfig.Pod p) {
        return new io.parley.server.federation.link.PodSettings(p.id(), p.heartbeatInterval(), p.deadAfterMissed(), p.grace(),
                p.maxClockSkew(), p.requestWindow(), p.clockOffset(), p.orgResyncInterval(), p.maxResilientChannels(),
                p.maxReplicatedBytes(), p.replicationRate(), p.leaseDuration(), p.tlsPin().isEmpty() ? null : p.tlsPin());
    }

    /** {@return the domain services (for the CLI and tests)} */
    public Services services() { return wiring.services(); }

    /** {@return the Web Push port for users who are not connected (for the notification evaluator and tests)} */
    public PushSender push() { return wiring.push(); }

    /** Drains and stops; safe to call twice. */
    @Override
    public synchronized void close() {
        if (wiring == null) return;
        draining = true;
        log.info("shutting down: closing connections with {} and flushing the log", CloseCode.GOING_AWAY.code());
        if (resilient != null) resilient.close();
        if (orgs != null) orgs.close();
        if (duties != null) duties.close(); // after the lanes and feeders stopped: the next holder starts from the cursors they left
        if (federation != null) federation.close();
        if (gateway != null) gateway.close();
        if (tls != null) tls.close();
        if (notifications != null) notifications.close();
        wiring.close();
        wiring = null;
        gateway = null;
        tls = null;
        federation = null;
        orgs = null;
        duties = null;
    }
}
