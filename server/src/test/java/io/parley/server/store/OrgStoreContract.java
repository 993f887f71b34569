package io.parley.server.store;

import io.parley.core.files.FileInfo;
import io.parley.core.store.LogResult;
import io.parley.server.federation.org.OrgStore;
import io.parley.server.federation.org.OrgDirectory.OrgChannel;
import io.parley.server.federation.org.ParkedOps.Pending;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The {@link OrgStore} contract, run on each database by a subclass: orgs and members, org channels and their
 * mapping, outbox cursors, inbound marks, shadow users, parked ops, reaction marks, the log reads of the outbox and
 * the digest, remote files, peer mappings and the delivery lease. Every method is covered: the happy path, a repeat
 * (idempotency), order, cursors and limits where the method has them, and an edge.
 */
@Timeout(60)
abstract class OrgStoreContract extends StoreFixtures {
    OrgStore orgs;

    @BeforeAll
    void openOrgs() {
        orgs = stores.orgs();
    }

    static String fresh(String prefix) { return unique(prefix); }

    OrgStore.Org org() {
        var o = new OrgStore.Org(fresh("org"), "Org", "pod-a", T0);
        orgs.insertOrg(o);
        return o;
    }

    OrgChannel orgChannel(OrgStore.Org o, UUID chatId) {
        var ch = new OrgChannel(fresh("oc"), o.id(), "general", "pod-a", false, T0, chatId);
        assertTrue(orgs.offerChannel(ch));
        return ch;
    }

    static <T> void assertSortedSubsequence(List<T> all, Set<T> ours, Comparator<T> order) {
        List<T> seen = all.stream().filter(ours::contains).toList();
        assertEquals(ours.size(), seen.size(), "every inserted row is listed");
        assertEquals(seen.stream().sorted(order).toList(), seen, "in order");
    }

    // ---- orgs and members ----

    @Test
    void orgsAreInsertedOnceAndListedById() {
        var a = org();
        var b = org();
        orgs.insertOrg(new OrgStore.Org(a.id(), "Renamed", "pod-b", T0.plusSeconds(1))); // the first insert wins
        assertEquals(Optional.of(a), orgs.org(a.id()));
        assertTrue(orgs.org(fresh("none")).isEmpty());
        assertSortedSubsequence(orgs.orgs(), Set.of(a, b), Comparator.comparing(OrgStore.Org::id));
    }

    @Test
    void membersAreAddedOnceAndListedSorted() {
        var o = org();
        assertEquals(2, orgs.addMembers(o.id(), Set.of("pod-c", "pod-a"), T0));
        assertEquals(1, orgs.addMembers(o.id(), Set.of("pod-a", "pod-b"), T0.plusSeconds(1)));
        assertEquals(0, orgs.addMembers(o.id(), Set.of(), T0));
        assertEquals(List.of("pod-a", "pod-b", "pod-c"), orgs.members(o.id()));
        assertEquals(List.of(), orgs.members(fresh("none")));
    }

    // ---- org channels ----

    @Test
    void channelsAreOfferedOnceAndMappedOnce() {
        var o = org();
        var ch = orgChannel(o, null);
        var other = orgChannel(o, null);
        assertFalse(orgs.offerChannel(new OrgChannel(ch.id(), o.id(), "renamed", "pod-b", true, T0, null)), "offered already");
        assertEquals(Optional.of(ch), orgs.channel(ch.id()));
        assertTrue(orgs.channel(fresh("none")).isEmpty());

        UUID chat = id();
        assertTrue(orgs.channelOfChat(chat).isEmpty());
        assertTrue(orgs.map(ch.id(), chat));
        assertFalse(orgs.map(ch.id(), id()), "mapped already");
        assertFalse(orgs.map(fresh("none"), id()), "no such channel");
        var mapped = new OrgChannel(ch.id(), ch.orgId(), ch.name(), ch.offeredBy(), ch.isPrivate(), ch.createdAt(), chat);
        assertEquals(Optional.of(mapped), orgs.channelOfChat(chat));
        assertEquals(Optional.of(mapped), orgs.channel(ch.id()));
        assertSortedSubsequence(orgs.channels(), Set.of(mapped, other), Comparator.comparing(OrgChannel::id));
    }

    @Test
    void aPrivateChannelOfferedMappedKeepsItsFields() {
        var o = org();
        UUID chat = id();
        var ch = new OrgChannel(fresh("oc"), o.id(), "secret", "pod-b", true, T0.plusMillis(123), chat);
        assertTrue(orgs.offerChannel(ch));
        assertEquals(Optional.of(ch), orgs.channelOfChat(chat));
    }

    // ---- outbox cursors ----

    @Test
    void cursorsMoveForwardAndRewind() {
        String ch = fresh("oc");
        String peer = fresh("peer");
        assertEquals(0, orgs.cursor(peer, ch));
        assertEquals(0, orgs.sent(peer, ch));
        orgs.advance(peer, ch, 5, 5, T0);
        assertEquals(5, orgs.cursor(peer, ch));
        assertEquals(5, orgs.sent(peer, ch));
        orgs.advance(peer, ch, 8, 0, T0.plusSeconds(1)); // a stretch with nothing to send leaves the sent mark
        assertEquals(8, orgs.cursor(peer, ch));
        assertEquals(5, orgs.sent(peer, ch));
        orgs.advance(peer, ch, 3, 3, T0.plusSeconds(2)); // never backwards
        orgs.advance(peer, ch, 8, 8, T0.plusSeconds(2)); // nor in place
        assertEquals(8, orgs.cursor(peer, ch));
        assertEquals(5, orgs.sent(peer, ch));
        orgs.advance(peer, ch, 9, 4, T0.plusSeconds(3)); // the sent mark only grows
        assertEquals(9, orgs.cursor(peer, ch));
        assertEquals(5, orgs.sent(peer, ch));

        orgs.rewind(peer, ch, 6, T0.plusSeconds(4)); // sent 5 is not beyond 6: nothing moves
        assertEquals(9, orgs.cursor(peer, ch));
        orgs.rewind(peer, ch, 4, T0.plusSeconds(5));
        assertEquals(4, orgs.cursor(peer, ch));
        assertEquals(4, orgs.sent(peer, ch));
        orgs.rewind(fresh("peer"), ch, 0, T0); // no cursor: nothing to rewind

        String other = fresh("peer");
        assertEquals(0, orgs.cursor(other, ch), "cursors are per peer");
        assertEquals(0, orgs.cursor(peer, fresh("oc")), "and per channel");
    }

    @Test
    void appliedMarksOnlyRise() {
        String ch = fresh("oc");
        String origin = fresh("pod");
        assertEquals(OptionalLong.empty(), orgs.appliedThrough(origin, ch));
        orgs.markApplied(origin, ch, 3, T0);
        orgs.markApplied(origin, ch, 2, T0.plusSeconds(1));
        assertEquals(OptionalLong.of(3), orgs.appliedThrough(origin, ch));
        orgs.markApplied(origin, ch, 7, T0.plusSeconds(2));
        assertEquals(OptionalLong.of(7), orgs.appliedThrough(origin, ch));
        assertEquals(OptionalLong.empty(), orgs.appliedThrough(fresh("pod"), ch));
        orgs.markApplied(origin, fresh("oc"), 0, T0);
        assertEquals(OptionalLong.of(7), orgs.appliedThrough(origin, ch));
    }

    // ---- the chat log ----

    @Test
    void greatestClientIdIsFoundWithinTheRange() {
        Room r = room();
        UUID lo = UUID.fromString("00000000-0000-4000-8000-000000000010");
        UUID mid = UUID.fromString("00000000-0000-4000-8000-000000000020");
        UUID hi = UUID.fromString("00000000-0000-4000-8000-000000000030");
        for (UUID c : List.of(lo, mid, hi)) append(post(r, r.owner().id(), "hi", null, c));
        UUID chat = r.chat().id();
        assertEquals(Optional.of(mid), orgs.greatestClientId(chat, lo, UUID.fromString("00000000-0000-4000-8000-00000000002f")));
        assertEquals(Optional.of(hi), orgs.greatestClientId(chat, lo, hi), "both ends included");
        assertEquals(Optional.of(lo), orgs.greatestClientId(chat, lo, lo));
        assertEquals(Optional.empty(), orgs.greatestClientId(chat, UUID.fromString("00000000-0000-4000-8000-000000000011"),
                UUID.fromString("00000000-0000-4000-8000-00000000001f")));
        assertEquals(Optional.empty(), orgs.greatestClientId(room().chat().id(), lo, hi), "per chat");
    }

    static List<Long> seqs(LogResult... results) {
        List<Long> out = new ArrayList<>();
        for (LogResult r : results) r.events().forEach(e -> out.add(e.seq()));
        return out;
    }

    @Test
    void logAfterLeavesOutRemoteUsersAndCoversWhatItScanned() {
        Room r = room();
        UUID chat = r.chat().id();
        UUID owner = r.owner().id();
        UUID shadow = orgs.ensureShadow(fresh("pod"), id(), fresh("remote"), "Remote", T0);
        var first = append(post(r, owner, "first"));
        var a = first.message();
        append(post(r, shadow, "theirs"));
        var replied = append(post(r, owner, "reply", a.id(), id())); // the reply and the root's thread update
        var reacted = append(react(r, owner, a.id(), "👍", true));
        var theirs = append(react(r, shadow, a.id(), "🎉", true));
        long last = theirs.seq();
        assertEquals(last, orgs.lastSeq(chat));
        List<Long> ours = seqs(first, replied, reacted);

        var page = orgs.logAfter(chat, 0, 10);
        assertEquals(ours, page.entries().stream().map(OrgStore.LogEntry::seq).toList());
        assertEquals(last, page.scannedTo(), "a short page covers the chat's last seq");
        var e = page.entries().getFirst();
        assertAll(
                () -> assertEquals("MESSAGE_POSTED", e.type()),
                () -> assertEquals(a.id(), e.messageId()),
                () -> assertEquals(owner, e.actorId()),
                () -> assertEquals(owner, e.senderId()),
                () -> assertEquals("first", e.content()),
                () -> assertEquals("pod-a", e.originPod()),
                () -> assertEquals(a.hlc(), e.hlc()),
                () -> assertNull(e.threadRootId()),
                () -> assertFalse(e.deleted()),
                () -> assertEquals("[]", e.attachmentsJson()));
        var reply = page.entries().stream().filter(x -> x.messageId().equals(replied.message().id())).findFirst().orElseThrow();
        assertEquals(a.id(), reply.threadRootId());
        assertEquals("pod-a", reply.threadRootPod());
        var reaction = page.entries().getLast();
        assertEquals("REACTION_ADDED", reaction.type());
        assertEquals("👍", reaction.emoji());

        var limited = orgs.logAfter(chat, 0, 2);
        assertEquals(ours.subList(0, 2), limited.entries().stream().map(OrgStore.LogEntry::seq).toList());
        assertEquals(ours.get(1), limited.scannedTo(), "a full page covers up to its last entry");
        var rest = orgs.logAfter(chat, limited.scannedTo(), 10);
        assertEquals(ours.subList(2, ours.size()), rest.entries().stream().map(OrgStore.LogEntry::seq).toList());
        assertEquals(last, rest.scannedTo());
        var none = orgs.logAfter(chat, last, 10);
        assertEquals(List.of(), none.entries());
        assertEquals(last, none.scannedTo());
        assertEquals(last + 5, orgs.logAfter(chat, last + 5, 10).scannedTo(), "never behind where it started");

        append(delete(r, owner, a.id()));
        var deleted = orgs.logAfter(chat, 0, 1).entries().getFirst();
        assertTrue(deleted.deleted(), "a post replayed late carries the message as it is now");
        assertEquals("", deleted.content());
    }

    @Test
    void lastSeqOfAnUnknownChatIsZero() {
        assertEquals(0, orgs.lastSeq(id()));
        Room r = room();
        assertEquals(0, orgs.lastSeq(r.chat().id()));
        append(post(r, r.owner().id(), "one"));
        assertEquals(1, orgs.lastSeq(r.chat().id()));
    }

    @Test
    void messagesReactionsAndMergedOrderDescribeTheChat() {
        Room r = room();
        UUID chat = r.chat().id();
        UUID owner = r.owner().id();
        String pod = fresh("pod");
        UUID remoteId = id();
        UUID shadow = orgs.ensureShadow(pod, remoteId, fresh("remote"), "Remote", T0);
        var a = append(post(r, owner, "a")).message();
        var b = append(post(r, shadow, "b")).message();
        var reply = append(post(r, owner, "reply", a.id(), id())).message();
        var c = append(post(r, owner, "c")).message();
        append(delete(r, owner, c.id()));
        append(react(r, shadow, a.id(), "🎉", true));
        append(react(r, owner, b.id(), "👍", true));
        append(react(r, owner, b.id(), "👍", false));
        append(react(r, owner, a.id(), "👀", true));

        var rows = orgs.messages(chat);
        assertEquals(Set.of(a.id(), b.id(), reply.id(), c.id()), rows.stream().map(OrgStore.MessageRow::id).collect(java.util.stream.Collectors.toSet()));
        Function<UUID, OrgStore.MessageRow> row = mid -> rows.stream().filter(m -> m.id().equals(mid)).findFirst().orElseThrow();
        assertAll(
                () -> assertEquals(a.seq(), row.apply(a.id()).seq()),
                () -> assertEquals("a", row.apply(a.id()).content()),
                () -> assertNull(row.apply(a.id()).senderRemotePod()),
                () -> assertEquals(pod, row.apply(b.id()).senderRemotePod()),
                () -> assertEquals(remoteId, row.apply(b.id()).senderRemoteId()),
                () -> assertEquals(shadow, row.apply(b.id()).senderId()),
                () -> assertEquals(a.id(), row.apply(reply.id()).threadRootId()),
                () -> assertEquals("pod-a", row.apply(reply.id()).threadRootPod()),
                () -> assertTrue(row.apply(c.id()).deleted()),
                () -> assertEquals(a.hlc(), row.apply(a.id()).postedHlc()));

        var reactions = orgs.reactions(chat);
        assertEquals(Set.of(new OrgStore.ReactionRow(a.id(), shadow, pod, remoteId, "🎉"),
                new OrgStore.ReactionRow(a.id(), owner, null, null, "👀")), Set.copyOf(reactions));

        assertEquals(List.of(a.id(), b.id(), c.id()), orgs.mergedOrder(chat, 10), "top-level messages, oldest first");
        assertEquals(List.of(b.id(), c.id()), orgs.mergedOrder(chat, 2), "the latest limit");
        assertEquals(List.of(), orgs.mergedOrder(room().chat().id(), 10));
        assertEquals(List.of(), orgs.messages(id()));
        assertEquals(List.of(), orgs.reactions(id()));
    }

    @Test
    void presentMessagesAreFoundInChunks() {
        Room r = room();
        var a = append(post(r, r.owner().id(), "a")).message();
        var b = append(post(r, r.owner().id(), "b")).message();
        append(delete(r, r.owner().id(), b.id()));
        assertEquals(Set.of(), orgs.presentMessages(List.of()));
        List<UUID> asked = new ArrayList<>();
        for (int i = 0; i < 1_200; i++) asked.add(id()); // more than one chunk of bind parameters
        asked.add(600, a.id());
        asked.add(b.id());
        assertEquals(Set.of(a.id(), b.id()), orgs.presentMessages(asked), "tombstones included");
    }

    // ---- shadow users ----

    @Test
    void aShadowIsMadeOnceAndRenamed() {
        String pod = fresh("Pod");
        UUID remote = id();
        String handle = fresh("Ann");
        assertTrue(orgs.shadowOf(pod, remote).isEmpty());
        UUID shadow = orgs.ensureShadow(pod, remote, handle, "Ann", T0);
        assertEquals(Optional.of(shadow), orgs.shadowOf(pod, remote));
        assertEquals(Optional.of(pod), orgs.remotePodOf(shadow));
        var user = stores.users().byId(shadow).orElseThrow();
        assertEquals((handle + "@" + pod).toLowerCase(java.util.Locale.ROOT), user.handle());
        assertNull(user.passwordHash());

        assertEquals(shadow, orgs.ensureShadow(pod, remote, handle, "Ann B.", T0.plusSeconds(1)), "the same remote user");
        assertEquals("Ann B.", stores.users().byId(shadow).orElseThrow().displayName());
        assertEquals(shadow, orgs.ensureShadow(pod, remote, handle, "Ann B.", T0.plusSeconds(2)));

        UUID renamed = orgs.ensureShadow(pod, id(), handle, "Other Ann", T0); // a second remote user under the taken handle
        assertFalse(renamed.equals(shadow));
        String h = stores.users().byId(renamed).orElseThrow().handle();
        assertTrue(h.endsWith("@" + pod) && !h.equals(user.handle()), h);

        assertTrue(orgs.shadowOf(fresh("pod"), remote).isEmpty(), "per pod");
        assertTrue(orgs.remotePodOf(user().id()).isEmpty(), "a local user");
    }

    // ---- parked ops ----

    @Test
    void parkedOpsAreTakenOnceInArrivalOrder() {
        UUID waitsFor = id();
        String ch = fresh("oc");
        var first = new Pending(id(), ch, "pod-b", waitsFor, "{\"op\":\"react.add\"}");
        var second = new Pending(id(), ch, "pod-c", waitsFor, "{\"op\":\"edit\"}");
        var elsewhere = new Pending(id(), ch, "pod-b", id(), "{}");
        orgs.park(second, T0.plusSeconds(2));
        orgs.park(first, T0.plusSeconds(1));
        orgs.park(first, T0.plusSeconds(3)); // the same op again: kept once, where it was
        orgs.park(elsewhere, T0);
        UUID nothing = id();
        assertEquals(Set.of(waitsFor, elsewhere.waitsFor()), orgs.awaited(List.of(waitsFor, elsewhere.waitsFor(), nothing)));
        assertEquals(Set.of(), orgs.awaited(List.of()));

        assertEquals(List.of(first, second), orgs.unpark(waitsFor));
        assertEquals(List.of(), orgs.unpark(waitsFor), "taken once");
        assertEquals(Set.of(elsewhere.waitsFor()), orgs.awaited(List.of(waitsFor, elsewhere.waitsFor())));
        assertEquals(List.of(), orgs.unpark(nothing));
    }

    // ---- reaction marks ----

    @Test
    void reactionMarksKeepTheLatestOp() {
        UUID message = id();
        UUID user = id();
        assertEquals(-1, orgs.reactionMark(message, user, "👍"));
        orgs.setReactionMark(message, user, "👍", true, 5);
        assertEquals(5, orgs.reactionMark(message, user, "👍"));
        orgs.setReactionMark(message, user, "👍", false, 3); // older: ignored
        orgs.setReactionMark(message, user, "👍", false, 5); // the same: ignored
        assertEquals(5, orgs.reactionMark(message, user, "👍"));
        orgs.setReactionMark(message, user, "👍", false, 9);
        assertEquals(9, orgs.reactionMark(message, user, "👍"));
        assertEquals(-1, orgs.reactionMark(message, user, "🎉"), "per emoji");
        assertEquals(-1, orgs.reactionMark(message, id(), "👍"), "per user");
    }

    // ---- remote files ----

    FileInfo remoteFile(Room r, UUID fileId, String originPod) {
        return new FileInfo(fileId, r.ws().id(), r.owner().id(), "a.png", "image/png", 42, "ab".repeat(32), 10, 20, null,
                T0, null, null, null, originPod);
    }

    @Test
    void remoteFilesAreStoredOnceAndClaimableByTheirOrigin() {
        Room r = room();
        assertEquals(List.of(), orgs.files(List.of()));
        var f = remoteFile(r, id(), "pod-b");
        assertTrue(orgs.insertRemoteFile(f));
        assertTrue(orgs.insertRemoteFile(f), "the same file again is still claimable");
        var stored = orgs.files(List.of(f.id(), id()));
        assertEquals(1, stored.size());
        var s = stored.getFirst();
        assertAll(
                () -> assertEquals(f.id(), s.id()),
                () -> assertEquals("pod-b", s.originPod()),
                () -> assertEquals(f.name(), s.name()),
                () -> assertEquals(f.size(), s.size()),
                () -> assertEquals(f.sha256(), s.sha256()),
                () -> assertEquals(10, s.width()),
                () -> assertFalse(s.attached()));
        assertFalse(orgs.insertRemoteFile(remoteFile(r, f.id(), "pod-c")), "another origin never takes an id over");
        var otherUploader = new FileInfo(f.id(), r.ws().id(), user().id(), "a.png", "image/png", 42, f.sha256(), null, null,
                null, T0, null, null, null, "pod-b");
        assertFalse(orgs.insertRemoteFile(otherUploader));
        assertThrows(IllegalArgumentException.class, () -> orgs.insertRemoteFile(remoteFile(r, id(), null)), "not a remote file");
    }

    // ---- peer mappings ----

    @Test
    void peerMappingsAreNotedOnce() {
        String peer = fresh("peer");
        String ch = fresh("oc");
        assertFalse(orgs.peerMaps(peer, ch));
        orgs.markMapped(peer, ch, T0);
        orgs.markMapped(peer, ch, T0.plusSeconds(1));
        assertTrue(orgs.peerMaps(peer, ch));
        assertFalse(orgs.peerMaps(fresh("peer"), ch));
        assertFalse(orgs.peerMaps(peer, fresh("oc")));
    }

    // ---- org chats of a user ----

    @Test
    void orgChatsOfAUserAreTheMappedOnesTheyPostedOrReactedIn() {
        var o = org();
        Room posted = room();
        Room reacted = room();
        Room unmapped = room();
        orgChannel(o, posted.chat().id());
        orgChannel(o, reacted.chat().id());
        UUID user = user().id();
        append(post(posted, user, "hello"));
        append(post(unmapped, user, "hello"));
        var m = append(post(reacted, reacted.owner().id(), "theirs")).message();
        assertEquals(Set.of(posted.chat().id()), orgs.orgChatsOf(user));
        orgs.setReactionMark(m.id(), user, "👍", true, 1);
        assertEquals(Set.of(posted.chat().id(), reacted.chat().id()), orgs.orgChatsOf(user));
        assertEquals(Set.of(), orgs.orgChatsOf(id()));
    }

    // ---- the delivery lease ----

    @Test
    void aLeaseIsHeldByOneHolderUntilItExpiresOrIsReleased() {
        String lease = fresh("lease");
        assertTrue(orgs.acquireLease(lease, "node-1", T0, T0.plusSeconds(10)));
        assertFalse(orgs.acquireLease(lease, "node-2", T0.plusSeconds(5), T0.plusSeconds(15)), "held");
        assertTrue(orgs.acquireLease(lease, "node-1", T0.plusSeconds(5), T0.plusSeconds(15)), "renewed");
        assertFalse(orgs.acquireLease(lease, "node-2", T0.plusSeconds(12), T0.plusSeconds(22)), "the renewal holds");
        assertTrue(orgs.acquireLease(lease, "node-2", T0.plusSeconds(16), T0.plusSeconds(26)), "expired: taken over");
        orgs.releaseLease(lease, "node-1"); // not the holder: nothing
        assertFalse(orgs.acquireLease(lease, "node-1", T0.plusSeconds(17), T0.plusSeconds(27)));
        orgs.releaseLease(lease, "node-2");
        assertTrue(orgs.acquireLease(lease, "node-1", T0.plusSeconds(17), T0.plusSeconds(27)), "released");
        assertTrue(orgs.acquireLease(fresh("lease"), "node-2", T0, T0.plusSeconds(1)), "per name");
    }
}
