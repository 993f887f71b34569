package io.parley.server.store;

import io.parley.core.auth.AuthSession;
import io.parley.core.auth.User;
import io.parley.core.chat.Chat;
import io.parley.core.chat.ChatKind;
import io.parley.core.error.ErrorCode;
import io.parley.core.workspace.Invite;
import io.parley.core.workspace.Membership;
import io.parley.core.workspace.Role;
import io.parley.core.workspace.Workspace;
import org.junit.jupiter.api.Test;

import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The contract every store implementation passes; each database has a subclass that says how to reach it.
 * Tests share one database per class and keep apart by using fresh ids.
 */
abstract class StoreContract extends StoreFixtures {
    // ---- users ----

    @Test
    void usersAreFoundByIdEmailHandleAndIds() {
        User a = user();
        User b = user();
        assertEquals(Optional.of(a), stores.users().byId(a.id()));
        assertEquals(Optional.of(a), stores.users().byEmail(a.email().toUpperCase()));
        assertEquals(Optional.of(b), stores.users().byHandle(b.handle()));
        assertEquals(Set.of(a, b), Set.copyOf(stores.users().byIds(List.of(a.id(), b.id(), id()))));
        assertEquals(List.of(), stores.users().byIds(List.of()));
        assertTrue(stores.users().count() >= 2);
        assertTrue(stores.users().byId(id()).isEmpty());
    }

    @Test
    void takenEmailOrHandleIsAConflict() {
        User a = user();
        var sameEmail = new User(id(), a.email().toUpperCase(), unique("x"), "X", "h", T0, false);
        var sameHandle = new User(id(), unique("y") + "@example.com", a.handle(), "Y", "h", T0, false);
        assertEquals(ErrorCode.CONFLICT, failure(() -> stores.users().insert(sameEmail)));
        assertEquals(ErrorCode.CONFLICT, failure(() -> stores.users().insert(sameHandle)));
        User b = user();
        assertEquals(ErrorCode.CONFLICT, failure(() -> stores.users().updateProfile(b.id(), a.handle(), "B")));
    }

    @Test
    void profileAndPasswordUpdate() {
        User a = user();
        String handle = unique("new");
        stores.users().updateProfile(a.id(), handle, "New Name");
        stores.users().updatePasswordHash(a.id(), "hash2");
        User now = stores.users().byId(a.id()).orElseThrow();
        assertEquals(handle, now.handle());
        assertEquals("New Name", now.displayName());
        assertEquals("hash2", now.passwordHash());
    }

    // ---- sessions ----

    AuthSession session(User u) {
        var s = new AuthSession(id(), u.id(), unique("refresh"), T0.plus(30, ChronoUnit.DAYS), T0, null);
        stores.sessions().insertSession(s);
        return s;
    }

    @Test
    void sessionsRotateAndRevoke() {
        User u = user();
        AuthSession s = session(u);
        assertEquals(Optional.of(s), stores.sessions().sessionByRefreshHash(s.refreshHash()));
        assertEquals(Optional.of(s), stores.sessions().sessionById(s.id()));
        String next = unique("refresh");
        assertTrue(stores.sessions().rotateRefresh(s.id(), s.refreshHash(), next, T0.plus(60, ChronoUnit.DAYS)));
        assertFalse(stores.sessions().rotateRefresh(s.id(), s.refreshHash(), unique("r"), T0), "old hash is spent");
        assertTrue(stores.sessions().sessionByRefreshHash(s.refreshHash()).isEmpty());
        assertEquals(T0.plus(60, ChronoUnit.DAYS), stores.sessions().sessionByRefreshHash(next).orElseThrow().refreshExpiresAt());
        stores.sessions().revokeSession(s.id(), T0.plusSeconds(1));
        assertFalse(stores.sessions().rotateRefresh(s.id(), next, unique("r"), T0), "revoked");
        assertEquals(T0.plusSeconds(1), stores.sessions().sessionById(s.id()).orElseThrow().revokedAt());
    }

    @Test
    void accessGrantsFollowTheirSession() {
        User u = user();
        AuthSession s = session(u);
        String token = unique("tok");
        stores.sessions().insertAccessToken(token, s.id(), u.id(), T0.plusSeconds(900));
        var grant = stores.sessions().accessGrant(token, T0).orElseThrow();
        assertEquals(new io.parley.core.store.SessionStore.AccessGrant(s.id(), u.id(), T0.plusSeconds(900), true), grant);
        assertTrue(stores.sessions().accessGrant("nope", T0).isEmpty());
        assertFalse(stores.sessions().accessGrant(token, T0.plus(31, ChronoUnit.DAYS)).orElseThrow().sessionActive());
        stores.sessions().revokeSession(s.id(), T0.plusSeconds(1));
        assertFalse(stores.sessions().accessGrant(token, T0).orElseThrow().sessionActive());
        stores.sessions().purgeExpiredAccessTokens(T0.plusSeconds(901));
        assertTrue(stores.sessions().accessGrant(token, T0).isEmpty());
    }

    @Test
    void revokeAllKeepsOneAndReportsInactive() {
        User u = user();
        AuthSession a = session(u);
        AuthSession b = session(u);
        AuthSession keep = session(u);
        assertEquals(Set.of(a.id(), b.id()), stores.sessions().revokeAllSessions(u.id(), keep.id(), T0.plusSeconds(2)));
        assertEquals(Set.of(), stores.sessions().revokeAllSessions(u.id(), keep.id(), T0.plusSeconds(3)));
        assertEquals(Set.of(a.id(), b.id()), stores.sessions().inactiveAmong(List.of(a.id(), b.id(), keep.id()), T0));
        assertEquals(Set.of(keep.id()), stores.sessions().inactiveAmong(List.of(keep.id()), T0.plus(31, ChronoUnit.DAYS)));
        assertEquals(Set.of(), stores.sessions().inactiveAmong(List.of(), T0));
    }

    // ---- workspaces ----

    @Test
    void workspacesAndMembers() {
        User owner = user();
        Workspace w = workspace(owner);
        assertEquals(Optional.of(w), stores.workspaces().byId(w.id()));
        assertEquals(Optional.of(w), stores.workspaces().bySlug(w.slug()));
        assertEquals(ErrorCode.CONFLICT, failure(() -> stores.workspaces().create(
                new Workspace(id(), "Other", w.slug(), owner.id(), T0, false),
                new Membership(id(), owner.id(), Role.OWNER, T0))));
        Workspace later = new Workspace(id(), "Later", unique("later"), owner.id(), T0.plusSeconds(1), true);
        stores.workspaces().create(later, new Membership(later.id(), owner.id(), Role.OWNER, T0));
        assertEquals(List.of(w, later), stores.workspaces().forUser(owner.id()));
        stores.workspaces().update(w.id(), "Renamed", true);
        assertEquals("Renamed", stores.workspaces().byId(w.id()).orElseThrow().name());
        assertTrue(stores.workspaces().byId(w.id()).orElseThrow().openSignup());

        User m = user();
        var membership = new Membership(w.id(), m.id(), Role.MEMBER, T0.plusSeconds(5));
        assertTrue(stores.workspaces().addMember(membership));
        assertFalse(stores.workspaces().addMember(new Membership(w.id(), m.id(), Role.ADMIN, T0)));
        assertEquals(Optional.of(membership), stores.workspaces().membership(w.id(), m.id()));
        assertEquals(List.of(owner.id(), m.id()), stores.workspaces().members(w.id()).stream().map(Membership::userId).toList());
        stores.workspaces().setRole(w.id(), m.id(), Role.ADMIN);
        assertEquals(Role.ADMIN, stores.workspaces().membership(w.id(), m.id()).orElseThrow().role());
    }

    @Test
    void removingAMemberRemovesThemFromTheWorkspacesChats() {
        User owner = user();
        Workspace w = workspace(owner);
        User m = user();
        stores.workspaces().addMember(new Membership(w.id(), m.id(), Role.MEMBER, T0));
        Chat c1 = channel(w, owner, m.id());
        Chat c2 = channel(w, owner, m.id());
        Workspace other = workspace(owner);
        Chat elsewhere = channel(other, owner, m.id());
        stores.workspaces().removeMember(w.id(), m.id());
        assertTrue(stores.workspaces().membership(w.id(), m.id()).isEmpty());
        assertEquals(List.of(owner.id()), stores.chats().memberIds(c1.id()));
        assertEquals(List.of(owner.id()), stores.chats().memberIds(c2.id()));
        assertTrue(stores.chats().member(elsewhere.id(), m.id()).isPresent(), "other workspaces untouched");
    }

    @Test
    void invitesAreUsedUpExpireAndRevoke() {
        User owner = user();
        Workspace w = workspace(owner);
        var inv = new Invite(id(), w.id(), unique("code"), Role.MEMBER, null, owner.id(), T0, T0.plusSeconds(3600), 2, 0, false);
        stores.workspaces().insertInvite(inv);
        assertEquals(Optional.of(inv), stores.workspaces().inviteByCodeHash(inv.codeHash()));
        assertEquals(ErrorCode.CONFLICT, failure(() -> stores.workspaces().insertInvite(
                new Invite(id(), w.id(), inv.codeHash(), Role.GUEST, null, owner.id(), T0, T0, 0, 0, false))));
        assertFalse(stores.workspaces().useInvite(inv.id(), T0.plusSeconds(3600)), "expired");
        assertTrue(stores.workspaces().useInvite(inv.id(), T0));
        assertTrue(stores.workspaces().useInvite(inv.id(), T0));
        assertFalse(stores.workspaces().useInvite(inv.id(), T0), "used up");
        var unlimited = new Invite(id(), w.id(), unique("code"), Role.GUEST, "a@b.c", owner.id(), T0.plusSeconds(1),
                T0.plusSeconds(3600), 0, 0, false);
        stores.workspaces().insertInvite(unlimited);
        assertEquals(List.of(inv.id(), unlimited.id()), stores.workspaces().invites(w.id()).stream().map(Invite::id).toList());
        for (int i = 0; i < 3; i++) assertTrue(stores.workspaces().useInvite(unlimited.id(), T0));
        stores.workspaces().revokeInvite(unlimited.id());
        assertFalse(stores.workspaces().useInvite(unlimited.id(), T0));
        assertTrue(stores.workspaces().inviteByCodeHash(unlimited.codeHash()).orElseThrow().revoked());
        assertEquals(3, stores.workspaces().inviteByCodeHash(unlimited.codeHash()).orElseThrow().uses());
    }

    // ---- chats ----

    @Test
    void chatsByIdNameDmKeyAndMembership() {
        User owner = user();
        User other = user();
        Workspace w = workspace(owner);
        Chat b = new Chat(id(), w.id(), ChatKind.PUBLIC_CHANNEL, "b-" + unique("c"), "topic", "purpose", false, owner.id(), T0, 0, null);
        Chat a = new Chat(id(), w.id(), ChatKind.PUBLIC_CHANNEL, "a-" + unique("c"), null, null, false, owner.id(), T0, 0, null);
        Chat priv = new Chat(id(), w.id(), ChatKind.PRIVATE_CHANNEL, unique("p"), null, null, false, owner.id(), T0, 0, null);
        String key = owner.id() + ":" + other.id();
        Chat dm = new Chat(id(), w.id(), ChatKind.DM, null, null, null, false, owner.id(), T0, 0, key);
        stores.chats().create(b, List.of(owner.id()));
        stores.chats().create(a, List.of(owner.id(), other.id()));
        stores.chats().create(priv, List.of(other.id()));
        stores.chats().create(dm, List.of(owner.id(), other.id()));
        assertEquals(Optional.of(b), stores.chats().byId(b.id()));
        assertEquals(Optional.of(a), stores.chats().byName(w.id(), a.name()));
        assertEquals(Optional.of(dm), stores.chats().byDmKey(w.id(), key));
        assertEquals(List.of(a, b), stores.chats().publicChannels(w.id()));
        assertEquals(Set.of(a, b, dm), Set.copyOf(stores.chats().chatsOf(w.id(), owner.id())));
        assertEquals(ErrorCode.CONFLICT, failure(() -> stores.chats().create(
                new Chat(id(), w.id(), ChatKind.PRIVATE_CHANNEL, a.name(), null, null, false, owner.id(), T0, 0, null), List.of())));
        assertEquals(ErrorCode.CONFLICT, failure(() -> stores.chats().create(
                new Chat(id(), w.id(), ChatKind.DM, null, null, null, false, owner.id(), T0, 0, key), List.of())));
        Chat renamed = new Chat(b.id(), w.id(), ChatKind.PUBLIC_CHANNEL, unique("r"), "t2", "p2", true, owner.id(), T0, 0, null);
        stores.chats().update(renamed);
        assertEquals(Optional.of(renamed), stores.chats().byId(b.id()));
        Chat clash = new Chat(b.id(), w.id(), ChatKind.PUBLIC_CHANNEL, a.name(), null, null, false, owner.id(), T0, 0, null);
        assertEquals(ErrorCode.CONFLICT, failure(() -> stores.chats().update(clash)));
    }

    @Test
    void membersJoinLeaveAndOnlyRaiseTheirWatermark() {
        User owner = user();
        User m = user();
        Workspace w = workspace(owner);
        Chat c = channel(w, owner);
        assertEquals(0, stores.chats().addMember(c.id(), m.id()), "the chat's seq when they joined");
        assertEquals(-1, stores.chats().addMember(c.id(), m.id()), "already a member");
        assertEquals(Set.of(owner.id(), m.id()), Set.copyOf(stores.chats().memberIds(c.id())));
        stores.chats().markRead(c.id(), m.id(), 7);
        stores.chats().markRead(c.id(), m.id(), 3);
        assertEquals(7, stores.chats().member(c.id(), m.id()).orElseThrow().lastReadSeq());
        assertTrue(stores.chats().removeMember(c.id(), m.id()));
        assertFalse(stores.chats().removeMember(c.id(), m.id()));
        assertTrue(stores.chats().member(c.id(), m.id()).isEmpty());
    }

    @Test
    void healthPings() {
        assertTrue(stores.health().pingMillis() >= 0);
    }
}
