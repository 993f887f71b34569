package io.parley.server.outbound;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link HostResolver} with scripted answers, as an attacker's DNS server would give them: {@link #answer} queues
 * what the next lookups of a name return, one per lookup, the last one repeated (so {@code answer(h, public)} then
 * {@code answer(h, loopback)} is DNS rebinding). Names it was not told about go to the system resolver (for
 * {@code localhost}). Every lookup is counted, so a test can show that a send looked a host up exactly once.
 */
public final class FakeDns implements HostResolver {
    private final Map<String, Deque<List<InetAddress>>> answers = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> lookups = new ConcurrentHashMap<>();

    /** The next lookup of {@code host} (after those queued before) answers these IP literals. {@return this} */
    public FakeDns answer(String host, String... addresses) {
        List<InetAddress> list = Arrays.stream(addresses).map(InetAddress::ofLiteral).toList();
        answers.computeIfAbsent(host, h -> new ArrayDeque<>()).add(list);
        return this;
    }

    /** The next lookup of {@code host} finds nothing (NXDOMAIN). {@return this} */
    public FakeDns unknown(String host) {
        return answer(host);
    }

    /** {@return how many times {@code host} was looked up} */
    public int lookups(String host) {
        AtomicInteger n = lookups.get(host);
        return n == null ? 0 : n.get();
    }

    @Override
    public synchronized List<InetAddress> resolve(String host) throws UnknownHostException {
        lookups.computeIfAbsent(host, h -> new AtomicInteger()).incrementAndGet();
        Deque<List<InetAddress>> queue = answers.get(host);
        if (queue == null) return SYSTEM.resolve(host);
        List<InetAddress> answer = queue.size() > 1 ? queue.poll() : queue.peek();
        if (answer.isEmpty()) throw new UnknownHostException(host);
        return answer;
    }
}
