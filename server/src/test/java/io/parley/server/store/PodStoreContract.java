package io.parley.server.store;

import io.parley.core.auth.User;
import io.parley.core.workspace.Membership;
import io.parley.core.workspace.Role;
import io.parley.core.workspace.Workspace;
import io.parley.server.federation.link.Peer;
import io.parley.server.federation.link.PodStore;
import io.parley.server.federation.link.PodStore.Invitation;
import io.parley.server.federation.link.PodStore.InvitationUse;
import io.parley.server.federation.link.StoredKey;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The {@link PodStore} contract, run on each database by a subclass: the shared identity, invitations used once,
 * peers, nonces and the pod administrators. Each test touches only its own rows, except the identity (one per pod)
 * and the first workspace, which one test each owns.
 */
@Timeout(60)
abstract class PodStoreContract extends StoreFixtures {
    PodStore pods;

    @BeforeAll
    void openPods() {
        pods = stores.pods();
    }

    static Peer peer(String id) {
        return new Peer(id, "https://" + id + ".example.com", "pk-" + id, T0, Peer.Direction.WE_INVITED, null);
    }

    @Test
    void theFirstIdentityStoredWins() {
        assertTrue(pods.identity().isEmpty());
        var first = new StoredKey("pub-1", "priv-1", T0, "sum-1");
        var second = new StoredKey("pub-2", "priv-2", T0.plusSeconds(1), "sum-2");
        assertEquals(first, pods.createIdentityIfAbsent(first));
        assertEquals(first, pods.createIdentityIfAbsent(second), "another node was first");
        assertEquals(Optional.of(first), pods.identity());
    }

    @Test
    void anInvitationLinksOnePeerOnce() {
        String hash = unique("hash");
        pods.insertInvitation(new Invitation(id(), hash, id(), T0, T0.plusSeconds(60)));
        var p = peer(unique("pod"));
        assertEquals(InvitationUse.ACCEPTED, pods.linkByInvitation(hash, p, T0.plusSeconds(30)));
        assertEquals(Optional.of(p), pods.peer(p.id()));
        var q = peer(unique("pod"));
        assertEquals(InvitationUse.ALREADY_USED, pods.linkByInvitation(hash, q, T0.plusSeconds(31)));
        assertTrue(pods.peer(q.id()).isEmpty(), "a used token links nobody");
        assertEquals(InvitationUse.UNKNOWN, pods.linkByInvitation(unique("hash"), q, T0));
    }

    @Test
    void anExpiredInvitationLinksNobody() {
        String hash = unique("hash");
        pods.insertInvitation(new Invitation(id(), hash, id(), T0, T0.plusSeconds(60)));
        var p = peer(unique("pod"));
        assertEquals(InvitationUse.EXPIRED, pods.linkByInvitation(hash, p, T0.plusSeconds(60)), "expiry is exclusive");
        assertTrue(pods.peer(p.id()).isEmpty());
        assertTrue(pods.peers().stream().noneMatch(x -> x.id().equals(p.id())));
    }

    @Test
    void peersAreSavedReplacedScoredAndDeleted() {
        var b = peer(unique("pod-b"));
        var a = peer(unique("pod-a"));
        pods.savePeer(b);
        pods.savePeer(a);
        assertEquals(Optional.of(a), pods.peer(a.id()));
        assertTrue(pods.peer(unique("none")).isEmpty());
        var replaced = new Peer(a.id(), "https://new.example.com", "pk-new", T0.plusSeconds(5), Peer.Direction.THEY_INVITED, 3, "pin");
        pods.savePeer(replaced);
        assertEquals(Optional.of(replaced), pods.peer(a.id()));
        List<Peer> ours = pods.peers().stream().filter(x -> Set.of(a.id(), b.id()).contains(x.id())).toList();
        assertEquals(List.of(replaced, b).stream().sorted(Comparator.comparing(Peer::id)).toList(), ours, "by id");

        assertTrue(pods.setScoreOverride(b.id(), 7));
        assertEquals(7, pods.peer(b.id()).orElseThrow().scoreOverride());
        assertTrue(pods.setScoreOverride(b.id(), null));
        assertEquals(null, pods.peer(b.id()).orElseThrow().scoreOverride(), "cleared");
        assertFalse(pods.setScoreOverride(unique("none"), 1));

        assertTrue(pods.deletePeer(b.id()));
        assertFalse(pods.deletePeer(b.id()), "gone already");
        assertTrue(pods.peer(b.id()).isEmpty());
    }

    @Test
    void noncesAreRememberedOnceUntilTheyExpire() {
        String pod = unique("pod");
        Instant far = Instant.parse("2100-01-01T00:00:00Z");
        assertTrue(pods.rememberNonce(pod, "n1", far.plusSeconds(10)));
        assertFalse(pods.rememberNonce(pod, "n1", far.plusSeconds(20)), "a replay");
        assertTrue(pods.rememberNonce(unique("pod"), "n1", far.plusSeconds(10)), "per pod");
        assertTrue(pods.rememberNonce(pod, "n2", far.plusSeconds(30)));
        // Only this test writes nonces: the counts are exact.
        assertEquals(0, pods.purgeNonces(far.plusSeconds(10)), "expiry is exclusive");
        assertEquals(2, pods.purgeNonces(far.plusSeconds(11)));
        assertTrue(pods.rememberNonce(pod, "n1", far.plusSeconds(40)), "forgotten once expired");
        assertFalse(pods.rememberNonce(pod, "n2", far.plusSeconds(40)), "not expired yet");
        assertEquals(0, pods.purgeNonces(far));
    }

    @Test
    void podAdminsAreTheOwnerAndAdminsOfTheFirstWorkspace() {
        // The only test making workspaces here, and with the earliest instant: this is the pod's first workspace.
        User owner = user();
        Workspace first = new Workspace(id(), "First", unique("first"), owner.id(), Instant.EPOCH, false);
        stores.workspaces().create(first, new Membership(first.id(), owner.id(), Role.OWNER, Instant.EPOCH));
        User admin = user();
        User member = user();
        stores.workspaces().addMember(new Membership(first.id(), admin.id(), Role.ADMIN, T0));
        stores.workspaces().addMember(new Membership(first.id(), member.id(), Role.MEMBER, T0));
        User elsewhere = user();
        workspace(elsewhere); // the owner of a later workspace

        assertTrue(pods.isPodAdmin(owner.id()));
        assertTrue(pods.isPodAdmin(admin.id()));
        assertFalse(pods.isPodAdmin(member.id()));
        assertFalse(pods.isPodAdmin(elsewhere.id()));
        assertFalse(pods.isPodAdmin(id()));
    }
}
