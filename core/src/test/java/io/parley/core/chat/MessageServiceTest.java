package io.parley.core.chat;

import io.parley.core.auth.Principal;
import io.parley.core.bus.BusEvent;
import io.parley.core.error.ErrorCode;
import io.parley.core.error.ParleyException;
import io.parley.core.fixtures.CoreFixture;
import io.parley.core.store.LogResult;
import io.parley.core.workspace.Role;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The message rules on the core's fixtures: who may post, edit, delete and read; a retry is the same message; every
 * change is one event with the chat's next seq, published once after its commit.
 */
class MessageServiceTest {
    private final CoreFixture f = new CoreFixture();
    private final CoreFixture.Team team = f.team("ana");
    private final Principal ana = team.owner();
    private final Principal ben = f.member(team, "ben", Role.MEMBER);
    private final Chat general = f.general(team);
    private final MessageService messages = f.messages;

    private LogResult send(Principal who, UUID chatId, String text) {
        return messages.send(who.userId(), chatId, UUID.randomUUID(), text, null).join();
    }

    private static ErrorCode refused(Executable call) {
        return assertThrows(ParleyException.class, call).code();
    }

    private List<BusEvent.Committed> committed() {
        return f.bus.drain(BusEvent.Committed.class);
    }

    @Test
    void aSendIsCommittedAndPublishedOnceWithTheChatsNextSeq() {
        f.bus.drain();
        LogResult r = send(ben, general.id(), "hello @ana");
        List<BusEvent.Committed> published = committed();
        assertAll(
                () -> assertEquals(1, r.seq()),
                () -> assertEquals("hello @ana", r.message().content()),
                () -> assertEquals(List.of("ana"), r.message().mentions().handles()),
                () -> assertEquals(CoreFixture.POD, r.message().originPod()),
                () -> assertEquals(1, published.size()),
                () -> assertEquals(EventType.MESSAGE_POSTED, published.getFirst().event().type()),
                () -> assertEquals(r.message().id(), published.getFirst().event().message().id()));
    }

    @Test
    void aRetryWithTheSameClientIdIsTheSameMessageAndPublishesNothing() {
        UUID clientId = UUID.randomUUID();
        LogResult first = messages.send(ben.userId(), general.id(), clientId, "once", null).join();
        committed();
        LogResult retry = messages.send(ben.userId(), general.id(), clientId, "once", null).join();
        assertAll(
                () -> assertTrue(retry.duplicate()),
                () -> assertEquals(first.message().id(), retry.message().id()),
                () -> assertEquals(first.seq(), retry.seq()),
                () -> assertEquals(List.of(), committed(), "a retry publishes nothing"),
                () -> assertEquals(1, messages.history(ben.userId(), general.id(), null, null, 50).size()));
    }

    @Test
    void seqsFollowTheOrderOfCommitsAndSyncReplaysWhatWasMissed() {
        for (int i = 1; i <= 5; i++) send(i % 2 == 0 ? ana : ben, general.id(), "m" + i);
        List<Message> history = messages.history(ana.userId(), general.id(), null, null, 50);
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L), history.stream().map(Message::seq).toList());
        assertEquals(List.of("m1", "m2", "m3", "m4", "m5"), history.stream().map(Message::content).toList());
        SyncResult sync = messages.sync(ben.userId(), general.id(), 2, 2);
        assertAll(
                () -> assertEquals(List.of(3L, 4L), sync.events().stream().map(ChatEvent::seq).toList()),
                () -> assertTrue(sync.hasMore()),
                () -> assertEquals(4, sync.cursor()));
    }

    @Test
    void aGapLargerThanSyncAnswersIsTooLarge() {
        for (int i = 0; i <= MessageService.MAX_SYNC_GAP; i++) send(ana, general.id(), "m" + i);
        SyncResult sync = messages.sync(ana.userId(), general.id(), 0, 50);
        assertTrue(sync.tooLarge());
        assertEquals(List.of(), sync.events());
    }

    @Test
    void peopleOutsideTheChatMayNotPostOrRead() {
        Principal eve = f.signUp("eve"); // in no workspace
        Chat secret = f.chatService.createChannel(ana, team.id(), "secret", true, null, null);
        Chat open = f.chatService.createChannel(ana, team.id(), "open", false, null, null);
        send(ana, secret.id(), "for members only");
        assertAll(
                () -> assertEquals(ErrorCode.FORBIDDEN, refused(() -> send(eve, general.id(), "hi"))),
                () -> assertEquals(ErrorCode.FORBIDDEN, refused(() -> send(ben, secret.id(), "hi"))),
                () -> assertEquals(ErrorCode.FORBIDDEN, refused(() -> messages.history(ben.userId(), secret.id(), null, null, 50))),
                () -> assertEquals(ErrorCode.FORBIDDEN, refused(() -> send(ben, open.id(), "hi")), "join before posting"),
                () -> assertEquals(List.of(), messages.history(ben.userId(), open.id(), null, null, 50), "but a member reads it"));
    }

    @Test
    void onlyTheAuthorEditsAndAnEditIsAnEventOfItsOwn() {
        Message m = send(ana, general.id(), "draft").message();
        assertEquals(ErrorCode.FORBIDDEN, refused(() -> messages.edit(ben.userId(), m.id(), UUID.randomUUID(), "mine now")));
        committed();
        LogResult edited = messages.edit(ana.userId(), m.id(), UUID.randomUUID(), "final").join();
        assertAll(
                () -> assertEquals("final", messages.message(ben.userId(), m.id()).content()),
                () -> assertEquals(m.seq() + 1, edited.seq()),
                () -> assertEquals(List.of(EventType.MESSAGE_EDITED),
                        committed().stream().map(c -> c.event().type()).toList()));
    }

    @Test
    void theAuthorOrAnAdminDeletesAndDeletingTwiceChangesNothing() {
        Message anas = send(ana, general.id(), "by ana").message();
        Message bens = send(ben, general.id(), "by ben").message();
        assertEquals(ErrorCode.FORBIDDEN, refused(() -> messages.delete(ben.userId(), anas.id(), UUID.randomUUID())));
        committed();
        messages.delete(ana.userId(), bens.id(), UUID.randomUUID()).join(); // ana owns the workspace
        LogResult again = messages.delete(ben.userId(), bens.id(), UUID.randomUUID()).join();
        assertAll(
                () -> assertTrue(messages.message(ana.userId(), bens.id()).deleted()),
                () -> assertEquals("", messages.message(ana.userId(), bens.id()).content()),
                () -> assertEquals(List.of(), again.events(), "a second delete appends nothing"),
                () -> assertEquals(1, committed().size()),
                () -> assertEquals(ErrorCode.NOT_FOUND, refused(() -> messages.edit(ben.userId(), bens.id(), UUID.randomUUID(), "back"))));
    }

    @Test
    void aReactionIsASetPerPerson() {
        Message m = send(ana, general.id(), "react to me").message();
        committed();
        messages.react(ben.userId(), m.id(), UUID.randomUUID(), "👍", true).join();
        messages.react(ben.userId(), m.id(), UUID.randomUUID(), "👍", true).join();
        assertEquals(1, committed().size(), "adding it twice is one event");
        assertEquals(List.of(new Reaction("👍", List.of(ben.userId()))), messages.message(ana.userId(), m.id()).reactions());
        messages.react(ben.userId(), m.id(), UUID.randomUUID(), "👍", false).join();
        messages.react(ben.userId(), m.id(), UUID.randomUUID(), "👍", false).join();
        assertEquals(List.of(EventType.REACTION_REMOVED), committed().stream().map(c -> c.event().type()).toList());
        assertEquals(List.of(), messages.message(ana.userId(), m.id()).reactions());
    }

    @Test
    void aReplyJoinsTheThreadOfItsRootAndUpdatesTheRoot() {
        Message root = send(ana, general.id(), "question").message();
        LogResult reply = messages.send(ben.userId(), general.id(), UUID.randomUUID(), "answer", root.id()).join();
        Message replyToReply = messages.send(ana.userId(), general.id(), UUID.randomUUID(), "thanks", reply.message().id())
                .join().message();
        List<Message> thread = messages.thread(ben.userId(), root.id(), 50);
        assertAll(
                () -> assertEquals(List.of(EventType.MESSAGE_POSTED, EventType.THREAD_UPDATED),
                        reply.events().stream().map(ChatEvent::type).toList()),
                () -> assertEquals(root.id(), replyToReply.threadRootId(), "a reply to a reply joins the root's thread"),
                () -> assertEquals(List.of("question", "answer", "thanks"), thread.stream().map(Message::content).toList()),
                () -> assertEquals(2, thread.getFirst().replyCount()),
                () -> assertEquals(List.of(root.id()), messages.history(ana.userId(), general.id(), null, null, 50)
                        .stream().map(Message::id).toList(), "replies stay out of the channel's history"));
    }

    @Test
    void theReadWatermarkOnlyRises() {
        Message first = send(ana, general.id(), "1").message();
        Message second = send(ana, general.id(), "2").message();
        messages.markRead(ben.userId(), general.id(), second.id(), null);
        messages.markRead(ben.userId(), general.id(), first.id(), null);
        assertEquals(second.seq(), f.chats.member(general.id(), ben.userId()).orElseThrow().lastReadSeq());
        assertEquals(second.seq(), f.bus.events(BusEvent.ReadMarked.class).getFirst().seq(), "the caller's other sessions are told");
    }

    @Test
    void anArchivedChannelIsReadOnly() {
        Chat old = f.chatService.createChannel(ana, team.id(), "old", false, null, null);
        Message m = send(ana, old.id(), "last words").message();
        f.chatService.setArchived(ana, old.id(), true);
        assertAll(
                () -> assertEquals(ErrorCode.ARCHIVED, refused(() -> send(ana, old.id(), "more"))),
                () -> assertEquals(ErrorCode.ARCHIVED, refused(() -> messages.edit(ana.userId(), m.id(), UUID.randomUUID(), "x"))),
                () -> assertFalse(messages.history(ana.userId(), old.id(), null, null, 50).isEmpty(), "still readable"));
    }
}
