package io.parley.core.workspace;

import io.parley.core.auth.Principal;
import io.parley.core.bus.BusEvent;
import io.parley.core.error.ErrorCode;
import io.parley.core.error.ParleyException;
import io.parley.core.fixtures.CoreFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Setup, invites, roles and removal on the core's fixtures (spec 004's permission matrix). */
class WorkspaceServiceTest {
    private final CoreFixture f = new CoreFixture();
    private final WorkspaceService workspaces = f.workspaceService;

    private static ErrorCode refused(Executable call) {
        return assertThrows(ParleyException.class, call).code();
    }

    private WorkspaceService.Setup register(String code, String handle) {
        return workspaces.registerByInvite(code, handle + "@example.com", handle, null, CoreFixture.PASSWORD);
    }

    @Test
    void setupRunsOnceAndStartsAWorkspaceWithGeneral() {
        assertTrue(workspaces.setupOpen());
        CoreFixture.Team team = f.team("ana");
        assertAll(
                () -> assertFalse(workspaces.setupOpen()),
                () -> assertEquals(Role.OWNER, workspaces.requireMember(team.owner(), team.id()).role()),
                () -> assertEquals(List.of(team.owner().userId()), f.chats.memberIds(f.general(team).id())),
                () -> assertEquals(ErrorCode.CONFLICT, refused(() -> workspaces.bootstrap("eve@example.com", "eve", null,
                        CoreFixture.PASSWORD, "takeover"))));
    }

    @Test
    void anInviteIsUsedUpAndExpires() {
        CoreFixture.Team team = f.team("ana");
        var once = workspaces.createInvite(team.owner(), team.id(), Role.MEMBER, Duration.ofHours(1), 1, null);
        register(once.code(), "ben");
        assertEquals(ErrorCode.FORBIDDEN, refused(() -> register(once.code(), "cleo")), "used up");
        var hour = workspaces.createInvite(team.owner(), team.id(), Role.MEMBER, Duration.ofHours(1), 0, null);
        f.clock.advance(Duration.ofHours(1));
        assertEquals(ErrorCode.FORBIDDEN, refused(() -> register(hour.code(), "dan")), "expired");
        assertEquals(2, workspaces.members(team.owner(), team.id()).size());
    }

    @Test
    void membersJoinGeneralGuestsDoNot() {
        CoreFixture.Team team = f.team("ana");
        Principal ben = f.member(team, "ben", Role.MEMBER);
        Principal gus = f.member(team, "gus", Role.GUEST);
        List<java.util.UUID> general = f.chats.memberIds(f.general(team).id());
        assertAll(
                () -> assertTrue(general.contains(ben.userId())),
                () -> assertFalse(general.contains(gus.userId())),
                () -> assertEquals(Role.GUEST, workspaces.requireMember(gus, team.id()).role()));
    }

    @Test
    void whoMayInviteWhom() {
        CoreFixture.Team team = f.team("ana");
        Principal adam = f.member(team, "adam", Role.ADMIN);
        Principal ben = f.member(team, "ben", Role.MEMBER);
        assertAll(
                () -> assertEquals(ErrorCode.FORBIDDEN, refused(() -> workspaces.createInvite(ben, team.id(), Role.MEMBER, null, 0, null))),
                () -> assertEquals(ErrorCode.FORBIDDEN, refused(() -> workspaces.createInvite(adam, team.id(), Role.ADMIN, null, 0, null))),
                () -> assertEquals(ErrorCode.INVALID, refused(() -> workspaces.createInvite(team.owner(), team.id(), Role.OWNER, null, 0, null))),
                () -> assertEquals(Role.GUEST, workspaces.createInvite(adam, team.id(), Role.GUEST, null, 0, null).invite().role()));
    }

    @Test
    void onlyTheOwnerGrantsOrTakesTheAdminRole() {
        CoreFixture.Team team = f.team("ana");
        Principal adam = f.member(team, "adam", Role.ADMIN);
        Principal ben = f.member(team, "ben", Role.MEMBER);
        assertEquals(ErrorCode.FORBIDDEN, refused(() -> workspaces.setRole(adam, team.id(), ben.userId(), Role.ADMIN)));
        assertEquals(ErrorCode.FORBIDDEN, refused(() -> workspaces.setRole(adam, team.id(), team.owner().userId(), Role.MEMBER)));
        workspaces.setRole(team.owner(), team.id(), ben.userId(), Role.ADMIN);
        assertEquals(Role.ADMIN, workspaces.requireMember(ben, team.id()).role());
    }

    @Test
    void aRemovedMemberLeavesEveryChatAndIsSignedOut() {
        CoreFixture.Team team = f.team("ana");
        Principal ben = f.member(team, "ben", Role.MEMBER);
        var general = f.general(team);
        f.bus.drain();
        workspaces.removeMember(team.owner(), team.id(), ben.userId());
        assertAll(
                () -> assertFalse(f.chats.memberIds(general.id()).contains(ben.userId())),
                () -> assertEquals(List.of(new BusEvent.MembershipChanged(team.id(), general.id(), ben.userId(), false, -1)),
                        f.bus.events(BusEvent.MembershipChanged.class)),
                () -> assertEquals(1, f.bus.events(BusEvent.SessionsRevoked.class).size()),
                () -> assertEquals(java.util.Set.of(ben.sessionId()), f.auth.inactiveSessions(List.of(ben.sessionId()))),
                () -> assertEquals(ErrorCode.NOT_FOUND, refused(() -> workspaces.get(ben, team.id()))),
                () -> assertEquals(ErrorCode.FORBIDDEN, refused(() -> workspaces.removeMember(team.owner(), team.id(),
                        team.owner().userId()))));
    }

    @Test
    void someoneSharingNoWorkspaceIsNotVisible() {
        CoreFixture.Team team = f.team("ana");
        Principal eve = f.signUp("eve");
        Principal ben = f.member(team, "ben", Role.MEMBER);
        assertEquals(ErrorCode.NOT_FOUND, refused(() -> workspaces.visibleUser(eve, team.owner().userId())));
        assertEquals("ana", workspaces.visibleUser(ben, team.owner().userId()).handle());
    }
}
