package io.parley.core.chat;

import io.parley.core.auth.Principal;
import io.parley.core.bus.BusEvent;
import io.parley.core.error.ErrorCode;
import io.parley.core.error.ParleyException;
import io.parley.core.fixtures.CoreFixture;
import io.parley.core.workspace.Role;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.util.List;
import java.util.Set;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The chat access rules on the core's fixtures: who may create, join, see, change and leave which chats. */
class ChatServiceTest {
    private final CoreFixture f = new CoreFixture();
    private final CoreFixture.Team team = f.team("ana");
    private final Principal ana = team.owner();
    private final Principal ben = f.member(team, "ben", Role.MEMBER);
    private final Principal gus = f.member(team, "gus", Role.GUEST);
    private final ChatService chats = f.chatService;

    private static ErrorCode refused(Executable call) {
        return assertThrows(ParleyException.class, call).code();
    }

    @Test
    void aMemberCreatesAChannelAndIsItsFirstMemberAGuestMayNot() {
        f.bus.drain();
        Chat c = chats.createChannel(ben, team.id(), "Design", false, "pixels", null);
        assertAll(
                () -> assertEquals("design", c.name()),
                () -> assertEquals(List.of(ben.userId()), chats.members(ben, c.id())),
                () -> assertEquals(List.of(new BusEvent.MembershipChanged(team.id(), c.id(), ben.userId(), true, 0)),
                        f.bus.drain(BusEvent.MembershipChanged.class), "the creator's nodes follow it from seq 0"),
                () -> assertEquals(ErrorCode.FORBIDDEN, refused(() -> chats.createChannel(gus, team.id(), "mine", false, null, null))),
                () -> assertEquals(ErrorCode.CONFLICT, refused(() -> chats.createChannel(ana, team.id(), "design", false, null, null))));
    }

    @Test
    void joiningAPublicChannelStartsAtItsCurrentSeq() {
        Chat c = chats.createChannel(ana, team.id(), "news", false, null, null);
        f.messages.send(ana.userId(), c.id(), UUID.randomUUID(), "before ben", null).join();
        f.bus.drain();
        Chat joined = chats.join(ben, c.id());
        chats.join(ben, c.id()); // again: nothing changes
        assertAll(
                () -> assertEquals(1, joined.lastSeq()),
                () -> assertEquals(List.of(new BusEvent.MembershipChanged(team.id(), c.id(), ben.userId(), true, 1)),
                        f.bus.drain(BusEvent.MembershipChanged.class)),
                () -> assertEquals(Set.of(ana.userId(), ben.userId()), Set.copyOf(chats.members(ana, c.id()))));
    }

    @Test
    void aPrivateChannelIsInvisibleToWhoIsNotInIt() {
        Chat secret = chats.createChannel(ana, team.id(), "secret", true, null, null);
        assertAll(
                () -> assertEquals(ErrorCode.NOT_FOUND, refused(() -> chats.get(ben, secret.id())), "no existence leak"),
                () -> assertEquals(ErrorCode.NOT_FOUND, refused(() -> chats.join(ben, secret.id()))),
                () -> assertFalse(chats.list(ben, team.id(), true).stream().anyMatch(c -> c.id().equals(secret.id()))),
                () -> assertTrue(chats.list(ana, team.id(), true).stream().anyMatch(c -> c.id().equals(secret.id()))));
    }

    @Test
    void aGuestSeesOnlyTheChatsTheyWereAddedTo() {
        Chat open = chats.createChannel(ana, team.id(), "open", false, null, null);
        assertAll(
                () -> assertEquals(List.of(), chats.list(gus, team.id(), true), "not even #general"),
                () -> assertEquals(ErrorCode.NOT_FOUND, refused(() -> chats.join(gus, open.id()))),
                () -> assertEquals(ErrorCode.NOT_FOUND, refused(() -> chats.get(gus, open.id()))));
        chats.addMembers(ana, open.id(), List.of(gus.userId()));
        assertEquals(List.of(open.id()), chats.list(gus, team.id(), true).stream().map(Chat::id).toList());
    }

    @Test
    void openingADmTwiceIsTheSameDmAndOnlyWithPeopleOfTheWorkspace() {
        Chat dm = chats.openDm(ana, team.id(), List.of(ben.userId()));
        Principal eve = f.signUp("eve");
        assertAll(
                () -> assertEquals(ChatKind.DM, dm.kind()),
                () -> assertEquals(dm.id(), chats.openDm(ben, team.id(), List.of(ana.userId())).id()),
                () -> assertEquals(ErrorCode.NOT_FOUND, refused(() -> chats.openDm(ana, team.id(), List.of(eve.userId())))),
                () -> assertEquals(ErrorCode.INVALID, refused(() -> chats.leave(ben, dm.id())), "a DM cannot be left"));
    }

    @Test
    void renamingIsForAdminsAndTheCreatorTopicForAnyMember() {
        Chat c = chats.createChannel(ana, team.id(), "plans", false, null, null);
        chats.join(ben, c.id());
        assertEquals("q3", chats.update(ben, c.id(), null, "q3", null).topic());
        assertEquals(ErrorCode.FORBIDDEN, refused(() -> chats.update(ben, c.id(), "ben-plans", null, null)));
        f.bus.drain();
        assertEquals("roadmap", chats.update(ana, c.id(), "roadmap", null, null).name());
        assertEquals(List.of(new BusEvent.ChatChanged(team.id(), c.id())), f.bus.drain(BusEvent.ChatChanged.class));
    }

    @Test
    void generalCannotBeRenamedArchivedOrLeft() {
        Chat general = f.general(team);
        assertAll(
                () -> assertEquals(ErrorCode.FORBIDDEN, refused(() -> chats.update(ana, general.id(), "random", null, null))),
                () -> assertEquals(ErrorCode.FORBIDDEN, refused(() -> chats.setArchived(ana, general.id(), true))),
                () -> assertEquals(ErrorCode.FORBIDDEN, refused(() -> chats.leave(ben, general.id()))),
                () -> assertEquals(ErrorCode.FORBIDDEN, refused(() -> chats.removeMember(ana, general.id(), ben.userId()))));
    }

    @Test
    void onlyAdminsOrTheCreatorRemoveSomeoneAndTheyLoseAccess() {
        Chat c = chats.createChannel(ben, team.id(), "bens", true, null, null);
        Principal cleo = f.member(team, "cleo", Role.MEMBER);
        chats.addMembers(ben, c.id(), List.of(cleo.userId()));
        assertEquals(ErrorCode.FORBIDDEN, refused(() -> chats.removeMember(cleo, c.id(), ben.userId())));
        chats.removeMember(ben, c.id(), cleo.userId()); // the creator
        assertAll(
                () -> assertEquals(ErrorCode.FORBIDDEN, refused(() -> chats.requireReadable(cleo.userId(), c.id()))),
                () -> assertEquals(ErrorCode.NOT_FOUND, refused(() -> chats.removeMember(ana, c.id(), cleo.userId()))));
    }
}
