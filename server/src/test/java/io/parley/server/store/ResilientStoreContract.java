package io.parley.server.store;

import io.parley.core.store.LogResult;
import io.parley.server.federation.resilient.ResilientStore;
import io.parley.server.federation.resilient.ReplicaConfigs.Acks;
import io.parley.server.federation.resilient.ReplicaConfigs.Config;
import io.parley.server.federation.resilient.ReplicaConfigs.Offer;
import io.parley.server.federation.resilient.ReplicaCopies.Position;
import io.parley.server.federation.resilient.ReplicaCopies.SealedOp;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The {@link ResilientStore} contract, run on each database by a subclass: configurations, handshake offers, keys and
 * pending exchanges, the feed's cursors, the sealed replica log (idempotent by (source, seq) and by op key, read in
 * (hlc, source, seq) order, the op-key backfill) and the feed read of the chat log.
 */
@Timeout(60)
abstract class ResilientStoreContract extends StoreFixtures {
    ResilientStore resilient;

    @BeforeAll
    void openResilient() {
        resilient = stores.resilient();
    }

    static Config config(String id, long version, List<String> replicas) {
        return new Config(id, "org-1", "pod-a", replicas, "standard", true, "the topic", version, "pod-a", 0,
                new Acks(1, 2_000, Acks.PRIMARY_ONLY), T0.plusMillis(version));
    }

    static SealedOp op(String source, long seq, long hlc, String opKey) {
        return new SealedOp(source, seq, hlc, 10 + seq, "sealed-" + source + "-" + seq, opKey);
    }

    // ---- configurations ----

    @Test
    void configsAreSavedReplacedAndListedById() {
        String id = unique("oc");
        assertTrue(resilient.config(id).isEmpty());
        var k = config(id, 1, List.of("pod-b", "pod-c"));
        resilient.saveConfig(k);
        assertEquals(Optional.of(k), resilient.config(id));
        resilient.saveConfig(k); // the same again
        var changed = new Config(id, "org-2", "pod-b", List.of(), "strict", false, null, 2, "pod-b", 7, Acks.ON_COMMIT, T0.plusSeconds(9));
        resilient.saveConfig(changed);
        assertEquals(Optional.of(changed), resilient.config(id), "every field replaced; no replicas");
        var other = config(unique("oc"), 1, List.of("pod-d"));
        resilient.saveConfig(other);
        List<Config> all = resilient.configs().stream().filter(c -> c.orgChannelId().equals(id) || c.orgChannelId().equals(other.orgChannelId())).toList();
        assertEquals(Set.of(changed, other), Set.copyOf(all));
        assertEquals(all.stream().sorted(Comparator.comparing(Config::orgChannelId)).toList(), all, "by channel id");
    }

    @Test
    void forgetRemovesEverythingOfTheChannelAndSaysTheBytes() {
        String id = unique("oc");
        String kept = unique("oc");
        for (String ch : List.of(id, kept)) {
            resilient.saveConfig(config(ch, 1, List.of("pod-b")));
            resilient.recordOffer(new Offer(ch, "pod-b", "accepted", null, T0));
            resilient.saveKey(ch, "wrapped");
            resilient.savePendingExchange(ch, "sealed", T0);
            resilient.advance(ch, "pod-b", 4);
            resilient.store(ch, List.of(op("pod-a", 1, 100, unique("k")), op("pod-a", 2, 101, unique("k"))));
        }
        assertEquals(11 + 12, resilient.forget(id));
        assertAll(
                () -> assertTrue(resilient.config(id).isEmpty()),
                () -> assertEquals(List.of(), resilient.offers(id)),
                () -> assertTrue(resilient.wrappedKey(id).isEmpty()),
                () -> assertFalse(resilient.hasPendingExchange(id)),
                () -> assertEquals(Map.of(), resilient.cursors(id)),
                () -> assertEquals(0, resilient.storedOps(id)),
                () -> assertEquals(0, resilient.storedBytes(id)));
        assertEquals(0, resilient.forget(id), "forgotten already");
        assertEquals(2, resilient.storedOps(kept), "other channels stay");
        assertTrue(resilient.config(kept).isPresent());
    }

    // ---- handshake ----

    @Test
    void offersAreOnePerPodAndListedByPod() {
        String id = unique("oc");
        assertEquals(List.of(), resilient.offers(id));
        var c = new Offer(id, "pod-c", "offered", null, T0);
        var b = new Offer(id, "pod-b", "offered", null, T0);
        resilient.recordOffer(c);
        resilient.recordOffer(b);
        var refused = new Offer(id, "pod-c", "refused", "no room", T0.plusSeconds(1));
        resilient.recordOffer(refused);
        assertEquals(List.of(b, refused), resilient.offers(id));
        assertEquals(List.of(), resilient.offers(unique("oc")));
    }

    @Test
    void theWrappedKeyIsReplaced() {
        String id = unique("oc");
        assertTrue(resilient.wrappedKey(id).isEmpty());
        resilient.saveKey(id, "k1");
        assertEquals(Optional.of("k1"), resilient.wrappedKey(id));
        resilient.saveKey(id, "k2");
        assertEquals(Optional.of("k2"), resilient.wrappedKey(id));
    }

    @Test
    void aPendingExchangeIsTakenOnce() {
        String id = unique("oc");
        assertFalse(resilient.hasPendingExchange(id));
        assertTrue(resilient.takePendingExchange(id).isEmpty());
        resilient.savePendingExchange(id, "first", T0);
        resilient.savePendingExchange(id, "second", T0.plusSeconds(1)); // replaces
        assertTrue(resilient.hasPendingExchange(id));
        assertEquals(Optional.of("second"), resilient.takePendingExchange(id));
        assertTrue(resilient.takePendingExchange(id).isEmpty(), "used once");
        assertFalse(resilient.hasPendingExchange(id));
    }

    // ---- feed cursors ----

    @Test
    void feedCursorsOnlyMoveForwardUntilReset() {
        String id = unique("oc");
        assertEquals(0, resilient.cursor(id, "pod-b"));
        resilient.advance(id, "pod-c", 2);
        resilient.advance(id, "pod-b", 5);
        resilient.advance(id, "pod-b", 3);
        resilient.advance(id, "pod-b", 5);
        assertEquals(5, resilient.cursor(id, "pod-b"));
        var expected = new LinkedHashMap<String, Long>();
        expected.put("pod-b", 5L);
        expected.put("pod-c", 2L);
        assertEquals(List.copyOf(expected.entrySet()), List.copyOf(resilient.cursors(id).entrySet()), "by pod");
        resilient.resetCursor(id, "pod-b");
        assertEquals(0, resilient.cursor(id, "pod-b"));
        resilient.advance(id, "pod-b", 1);
        assertEquals(1, resilient.cursor(id, "pod-b"), "starts over");
        resilient.resetCursor(id, "pod-x"); // none: nothing
        assertEquals(Map.of(), resilient.cursors(unique("oc")));
    }

    @Test
    void theOrgCursorOfAPeerIsReset() {
        String ch = unique("oc");
        stores.orgs().advance("pod-b", ch, 9, 9, T0);
        stores.orgs().advance("pod-c", ch, 4, 4, T0);
        resilient.resetOrgCursor("pod-b", ch);
        assertEquals(0, stores.orgs().cursor("pod-b", ch));
        assertEquals(0, stores.orgs().sent("pod-b", ch));
        assertEquals(4, stores.orgs().cursor("pod-c", ch), "other peers keep theirs");
        resilient.resetOrgCursor("pod-b", ch); // again: nothing
    }

    // ---- the sealed log ----

    @Test
    void opsAreStoredOnceBySourceSeqOrByOpKey() {
        String id = unique("oc");
        var a1 = op("pod-a", 1, 100, "k1");
        var a2 = op("pod-a", 2, 101, "k2");
        assertEquals(a1.bytes() + a2.bytes(), resilient.store(id, List.of(a1, a2)));
        assertEquals(0, resilient.store(id, List.of(a1, a2)), "the same ops again");
        var fedByOther = op("pod-b", 7, 101, "k2"); // the same op from an acting primary
        var sameSeqOtherOp = new SealedOp("pod-a", 1, 150, 99, "other", "k9");
        var fresh = op("pod-b", 8, 102, "k3");
        assertEquals(fresh.bytes(), resilient.store(id, List.of(fedByOther, sameSeqOtherOp, fresh)));
        assertEquals(0, resilient.store(id, List.of()));
        assertEquals(3, resilient.storedOps(id));
        assertEquals(a1.bytes() + a2.bytes() + fresh.bytes(), resilient.storedBytes(id));
        assertEquals(List.of(a1, a2, fresh), resilient.storedAfter(id, Position.START, 10));
        assertEquals(0, resilient.storedOps(unique("oc")));
        assertEquals(0, resilient.storedBytes(unique("oc")));
    }

    @Test
    void heldKeysAreFoundInChunks() {
        String id = unique("oc");
        resilient.store(id, List.of(op("pod-a", 1, 100, "k1"), op("pod-a", 2, 101, "k2")));
        resilient.store(unique("oc"), List.of(op("pod-a", 3, 102, "k3")));
        assertEquals(Set.of(), resilient.heldKeys(id, List.of()));
        List<String> asked = new ArrayList<>();
        for (int i = 0; i < 1_100; i++) asked.add("nope-" + i); // more than one chunk of bind parameters
        asked.add(700, "k2");
        asked.add("k1");
        asked.add("k3");
        assertEquals(Set.of("k1", "k2"), resilient.heldKeys(id, asked), "per channel");
    }

    @Test
    void theSealedLogIsReadInHlcSourceSeqOrderFromAPosition() {
        String id = unique("oc");
        var a1 = op("pod-a", 1, 100, "a1");
        var b5 = op("pod-b", 5, 100, "b5");
        var a2 = op("pod-a", 2, 100, "a2");
        var b6 = op("pod-b", 6, 101, "b6");
        var a3 = op("pod-a", 3, 102, "a3");
        resilient.store(id, List.of(b6, a3, b5, a2, a1));
        List<SealedOp> order = List.of(a1, a2, b5, b6, a3);
        assertEquals(order, resilient.storedAfter(id, Position.START, 10));
        assertEquals(order.subList(0, 2), resilient.storedAfter(id, Position.START, 2));
        assertEquals(order.subList(2, 4), resilient.storedAfter(id, Position.of(a2), 2), "after the same hlc, a later source");
        assertEquals(order.subList(3, 5), resilient.storedAfter(id, Position.of(b5), 10), "after the same source, a later seq");
        assertEquals(List.of(a3), resilient.storedAfter(id, new Position(101, "pod-z", 0), 10), "between positions");
        assertEquals(List.of(), resilient.storedAfter(id, Position.of(a3), 10));
        assertEquals(List.of(), resilient.storedAfter(unique("oc"), Position.START, 10));
    }

    @Test
    void opsStoredWithoutKeysAreBackfilledAndDuplicatesDropped() {
        String id = unique("oc");
        var b1 = op("pod-b", 1, 100, null);
        var a2 = op("pod-a", 2, 101, null);
        var a1 = op("pod-a", 1, 99, null);
        var keyed = op("pod-a", 3, 102, "k3");
        resilient.store(id, List.of(b1, a2, a1, keyed));
        assertEquals(List.of(a1, a2, b1), resilient.withoutOpKey(id, 10), "by source, seq");
        assertEquals(List.of(a1, a2), resilient.withoutOpKey(id, 2));

        // a1 gets a key of its own; b1 turns out to be keyed's op fed by another source: dropped
        resilient.setOpKeys(id, List.of(withKey(a1, "k1"), withKey(b1, "k3")));
        assertEquals(List.of(a2), resilient.withoutOpKey(id, 10));
        assertEquals(List.of(withKey(a1, "k1"), a2, keyed), resilient.storedAfter(id, Position.START, 10));
        assertEquals(Set.of("k1", "k3"), resilient.heldKeys(id, List.of("k1", "k3")));
        resilient.setOpKeys(id, List.of()); // nothing to do
        assertEquals(List.of(), resilient.withoutOpKey(unique("oc"), 10));
    }

    static SealedOp withKey(SealedOp op, String key) {
        return new SealedOp(op.source(), op.seq(), op.hlc(), op.bytes(), op.sealed(), key);
    }

    // ---- the feed ----

    @Test
    void theFeedReadsEveryOpWithItsAuthorsHomeIdentity() {
        Room r = room();
        UUID chat = r.chat().id();
        UUID owner = r.owner().id();
        String pod = unique("pod");
        UUID remote = id();
        UUID shadow = stores.orgs().ensureShadow(pod, remote, unique("remote"), "Remote", T0);
        LogResult first = append(post(r, owner, "first"));
        var a = first.message();
        LogResult theirs = append(post(r, shadow, "theirs", a.id(), id()));
        LogResult reacted = append(react(r, shadow, a.id(), "🎉", true));
        List<Long> all = new ArrayList<>();
        for (LogResult x : List.of(first, theirs, reacted)) x.events().forEach(e -> all.add(e.seq()));

        var feed = resilient.feed(chat, 0, 100);
        assertEquals(all, feed.stream().map(ResilientStore.FeedEntry::seq).toList());
        var e = feed.getFirst();
        assertAll(
                () -> assertEquals("MESSAGE_POSTED", e.type()),
                () -> assertEquals(owner, e.actorId()),
                () -> assertEquals(r.owner().handle(), e.actorHandle()),
                () -> assertEquals(r.owner().displayName(), e.actorName()),
                () -> assertNull(e.actorRemotePod()),
                () -> assertEquals("first", e.content()),
                () -> assertEquals("pod-a", e.originPod()),
                () -> assertFalse(e.deleted()));
        var reply = feed.stream().filter(x -> x.messageId().equals(theirs.message().id())).findFirst().orElseThrow();
        assertAll(
                () -> assertEquals(pod, reply.actorRemotePod()),
                () -> assertEquals(remote, reply.actorRemoteId()),
                () -> assertEquals(a.id(), reply.threadRootId()),
                () -> assertEquals("pod-a", reply.threadRootPod()));
        assertEquals("🎉", feed.getLast().emoji());

        assertEquals(all.subList(0, 2), resilient.feed(chat, 0, 2).stream().map(ResilientStore.FeedEntry::seq).toList());
        assertEquals(all.subList(2, all.size()), resilient.feed(chat, all.get(1), 100).stream().map(ResilientStore.FeedEntry::seq).toList());
        assertEquals(List.of(), resilient.feed(chat, all.getLast(), 100));
        assertEquals(List.of(), resilient.feed(id(), 0, 100));
    }
}
