package io.parley.server.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import org.HdrHistogram.Histogram;

import java.io.PrintStream;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/** One bench run: prepare over REST, connect every user over WebSocket, send, drain, check, report. */
public final class Bench {
    private final BenchConfig cfg;
    private final PrintStream log;

    public Bench(BenchConfig cfg, PrintStream log) {
        this.cfg = cfg;
        this.log = log;
    }

    public BenchResult run() throws Exception {
        RestSetup.Plan plan = new RestSetup(cfg, log).prepare();
        Stats stats = new Stats();
        Map<Integer, List<String>> chatsOf = new HashMap<>();
        for (RestSetup.ChatPlan c : plan.chats()) {
            for (int m : c.members()) chatsOf.computeIfAbsent(m, k -> new ArrayList<>()).add(c.id());
        }
        List<BenchConnection> conns = new ArrayList<>();
        for (RestSetup.User u : plan.users()) conns.add(new BenchConnection(u.index(), chatsOf.getOrDefault(u.index(), List.of()), stats));
        List<BenchConnection> senders = new ArrayList<>();
        for (RestSetup.ChatPlan c : plan.chats()) {
            for (int s : c.senders()) {
                BenchConnection bc = conns.get(s);
                bc.sender = new BenchConnection.Sender(senders.size(), c.id());
                bc.size = cfg.size();
                bc.window = cfg.window();
                senders.add(bc);
            }
        }

        int nodes = Math.max(1, cfg.nodes().size());
        for (BenchConnection c : conns) c.node = c.userIndex % nodes;
        if (nodes > 1) {
            int[] senderNode = new int[senders.size()];
            for (int i = 0; i < senders.size(); i++) senderNode[i] = senders.get(i).node;
            stats.senderNode = senderNode;
        }
        boolean epoll = Epoll.isAvailable();
        IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(cfg.ioThreads(), io);
        try {
            long t0 = System.nanoTime();
            connect(group, epoll, plan, conns);
            log.printf("connected %d WebSockets in %.1f s (%d event-loop threads, %s)%n", conns.size(),
                    (System.nanoTime() - t0) / 1e9, cfg.ioThreads(), epoll ? "epoll" : "nio");
            subscribePresence(plan, conns);
            BenchResult r = drive(plan, conns, senders, stats);
            for (BenchConnection c : conns) if (c.channel != null) c.channel.close();
            return r;
        } finally {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
        }
    }

    private void connect(EventLoopGroup group, boolean epoll, RestSetup.Plan plan, List<BenchConnection> conns) throws Exception {
        List<URI> targets = new ArrayList<>();
        for (String u : cfg.nodes().isEmpty() ? List.of(cfg.url()) : cfg.nodes()) targets.add(URI.create(u));
        Semaphore gate = new Semaphore(cfg.connectConcurrency());
        List<CompletableFuture<Void>> all = new ArrayList<>();
        for (BenchConnection c : conns) {
            URI http = targets.get(c.node % targets.size());
            String host = http.getHost();
            int port = http.getPort() > 0 ? http.getPort() : 80;
            gate.acquire();
            URI ws = URI.create("ws://" + host + ":" + port + "/ws?v=1&token=" + plan.users().get(c.userIndex).token());
            WebSocketClientProtocolConfig wsc = WebSocketClientProtocolConfig.newBuilder().webSocketUri(ws)
                    .maxFramePayloadLength(1 << 20).handshakeTimeoutMillis(30_000).handleCloseFrames(false)
                    .dropPongFrames(true).withUTF8Validator(false).build(); // the generator trusts the server it measures
            Bootstrap b = new Bootstrap().group(group).channel(epoll ? EpollSocketChannel.class : NioSocketChannel.class)
                    .option(ChannelOption.TCP_NODELAY, true).option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 10_000)
                    .handler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(64 * 1024),
                                    new WebSocketClientProtocolHandler(wsc), new WebSocketFrameAggregator(1 << 20), c);
                        }
                    });
            b.connect(host, port).addListener(f -> {
                if (!f.isSuccess()) c.hello.completeExceptionally(f.cause());
            });
            c.hello.whenComplete((v, e) -> gate.release());
            all.add(c.hello);
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
    }

    /** Each connection subscribes to the presence of the next {@code presenceContacts} users. */
    private void subscribePresence(RestSetup.Plan plan, List<BenchConnection> conns) {
        int k = Math.min(cfg.ambient().presenceContacts(), Math.min(500, plan.users().size() - 1));
        if (k <= 0) return;
        int n = plan.users().size();
        for (BenchConnection c : conns) {
            StringBuilder ids = new StringBuilder("{\"userIds\":[");
            for (int j = 1; j <= k; j++) {
                if (j > 1) ids.append(',');
                ids.append('"').append(plan.users().get((c.userIndex + j) % n).id()).append('"');
            }
            c.sendFrame("presence.subscribe", ids.append("]}").toString());
        }
        log.printf("subscribed every connection to the presence of %d users%n", k);
    }

    /**
     * Runs the ephemeral load until {@code end}: typing starts from random chat members and presence
     * changes from random users, paced like the sends; samples the server's CPU over the window.
     */
    private Thread startAmbient(RestSetup.Plan plan, List<BenchConnection> conns, Stats stats, long start, long end, double[] cpu) {
        Ambient a = cfg.ambient();
        return Thread.ofPlatform().name("bench-ambient").daemon().start(() -> {
            var rnd = java.util.concurrent.ThreadLocalRandom.current();
            List<int[]> typers = new ArrayList<>(); // {chat index, member}
            for (int ci = 0; ci < plan.chats().size(); ci++) for (int m : plan.chats().get(ci).members()) typers.add(new int[]{ci, m});
            long typingDue = 0;
            long presenceDue = 0;
            boolean sampledStart = false;
            long now;
            while ((now = System.nanoTime()) < end) {
                if (!sampledStart && now >= stats.windowStart) {
                    cpu[0] = ServerCpu.seconds(a.serverPid());
                    sampledStart = true;
                }
                double elapsed = (now - start) / 1e9;
                for (; a.typingRate() > 0 && !typers.isEmpty() && typingDue < elapsed * a.typingRate(); typingDue++) {
                    int[] t = typers.get(rnd.nextInt(typers.size()));
                    conns.get(t[1]).sendFrame("typing.start", "{\"chatId\":\"" + plan.chats().get(t[0]).id() + "\"}");
                    stats.typingSent.increment();
                }
                for (; a.presenceRate() > 0 && presenceDue < elapsed * a.presenceRate(); presenceDue++) {
                    BenchConnection c = conns.get(rnd.nextInt(conns.size()));
                    c.sendFrame("presence.update", rnd.nextBoolean() ? "{\"status\":\"away\"}" : "{\"status\":\"available\"}");
                    stats.presenceSent.increment();
                }
                LockSupport.parkNanos(1_000_000);
            }
            cpu[1] = ServerCpu.seconds(a.serverPid());
        });
    }

    private BenchResult drive(RestSetup.Plan plan, List<BenchConnection> conns, List<BenchConnection> senders, Stats stats)
            throws InterruptedException {
        long start = System.nanoTime();
        stats.windowStart = start + cfg.warmup().toNanos();
        stats.windowEnd = stats.windowStart + cfg.duration().toNanos();
        long end = stats.windowEnd;
        double[] cpu = {Double.NaN, Double.NaN};
        Thread ambient = startAmbient(plan, conns, stats, start, end, cpu);
        log.printf("sending: %s, %d senders, %s warm-up + %s measured%n",
                cfg.rate() > 0 ? cfg.rate() + " msgs/s" : "closed loop, window " + cfg.window() + " per sender",
                senders.size(), fmt(cfg.warmup()), fmt(cfg.duration()));
        if (cfg.rate() > 0) {
            long due = 0;
            int next = 0;
            long nanosPerMsg = 1_000_000_000L / cfg.rate();
            long now;
            while ((now = System.nanoTime()) < end) {
                long target = (now - start) / nanosPerMsg;
                int tries = 0;
                while (due < target && !senders.isEmpty()) {
                    BenchConnection s = senders.get(next);
                    next = (next + 1) % senders.size();
                    if (s.trySend()) {
                        due++;
                        tries = 0;
                    } else if (++tries >= senders.size()) {
                        // every sender's window is full: the server is behind; skip what is due
                        stats.skippedSends.add(target - due);
                        due = target;
                    }
                }
                LockSupport.parkNanos(200_000);
            }
        } else {
            for (BenchConnection s : senders) {
                s.refill = true;
                for (int i = 0; i < cfg.window(); i++) s.trySend();
            }
            while (System.nanoTime() < end) LockSupport.parkNanos(10_000_000);
            for (BenchConnection s : senders) s.refill = false;
        }

        ambient.join();
        // drain: wait for outstanding acks and for every acked message to reach every connected member
        long drainUntil = System.nanoTime() + cfg.drain().toNanos();
        while (System.nanoTime() < drainUntil) {
            if (inFlight(senders) == 0 && stats.delivered.sum() >= expectedDeliveries(plan, conns, stats)) break;
            Thread.sleep(20);
        }
        long drained = System.nanoTime();

        long lost = 0;
        long notAcked = inFlight(senders);
        for (RestSetup.ChatPlan c : plan.chats()) {
            var acked = stats.ackedCopy(c.id());
            for (int m : c.members()) {
                BenchConnection bc = conns.get(m);
                if (bc.closed) continue;
                for (BenchConnection.Track t : bc.tracks) if (t.chatId.equals(c.id())) lost += bc.missing(t, acked);
            }
        }
        int disconnected = (int) conns.stream().filter(c -> c.closed).count();
        Histogram d = stats.deliverLatency.getIntervalHistogram();
        Histogram a = stats.ackLatency.getIntervalHistogram();
        Histogram x = stats.crossDeliverLatency.getIntervalHistogram();
        double secs = cfg.duration().toNanos() / 1e9;
        Map<String, Long> errors = new TreeMap<>();
        stats.errors.forEach((k, v) -> errors.put(k, v.sum()));
        stats.closes.forEach((k, v) -> errors.put("ws " + k, v.sum()));
        long members = plan.chats().stream().mapToLong(c -> c.members().size()).sum();
        return new BenchResult(cfg.scenario().name().toLowerCase(), conns.size(), plan.chats().size(), members, senders.size(),
                cfg.rate(), cfg.size(), secs, stats.sent.sum(), stats.acked.sum(), stats.ackedInWindow.sum() / secs,
                stats.delivered.sum(), stats.deliveredInWindow.sum() / secs,
                ms(d, 50), ms(d, 99), ms(d, 99.9), ms(d, 100), d.getTotalCount(), ms(a, 50), ms(a, 99), a.getTotalCount(),
                lost, stats.duplicated.sum(), stats.outOfOrder.sum(), notAcked, stats.failedSends.sum(), stats.skippedSends.sum(),
                disconnected, errors, (drained - stats.windowEnd) / 1e9,
                new BenchResult.AmbientResult(stats.typingSent.sum(), stats.typingReceived.sum(), stats.presenceSent.sum(),
                        stats.presenceReceived.sum(), (cpu[1] - cpu[0]) / secs),
                ms(x, 50), ms(x, 99), x.getTotalCount());
    }

    private static double ms(Histogram h, double percentile) {
        if (h.getTotalCount() == 0) return Double.NaN;
        return (percentile >= 100 ? h.getMaxValue() : h.getValueAtPercentile(percentile)) / 1000.0;
    }

    private static long inFlight(List<BenchConnection> senders) {
        long n = 0;
        for (BenchConnection s : senders) if (!s.closed) n += Math.max(0, s.sender.inFlight.get());
        return n;
    }

    private static long expectedDeliveries(RestSetup.Plan plan, List<BenchConnection> conns, Stats stats) {
        long n = 0;
        for (RestSetup.ChatPlan c : plan.chats()) {
            long open = c.members().stream().filter(m -> !conns.get(m).closed).count();
            n += stats.ackedCount(c.id()) * open;
        }
        return n;
    }

    private static String fmt(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
    }
}
