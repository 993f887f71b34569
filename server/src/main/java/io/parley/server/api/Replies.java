package io.parley.server.api;

import io.parley.core.auth.Tokens;
import io.parley.core.workspace.Invite;
import io.parley.core.workspace.Membership;
import io.parley.core.workspace.Workspace;
import io.parley.server.wire.ChatView;
import io.parley.server.wire.MessageView;
import io.parley.server.wire.PresenceView;
import io.parley.server.wire.UserView;
import io.parley.server.wire.WorkspaceView;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * The REST response bodies. Every body is a JSON object: one resource under its name
 * ({@code {"chat":{…}}}), a list under the plural ({@code {"chats":[…]}}); the things inside are the
 * wire views WebSocket frames carry too. Null fields are left out.
 */
final class Replies {
    private Replies() {}

    /** Tokens after setup, sign-up, login or refresh; {@code workspace} only after setup and sign-up. */
    record Session(String accessToken, Instant accessExpiresAt, String refreshToken, Instant refreshExpiresAt,
                   UserView user, WorkspaceView workspace) {
        static Session of(Tokens t, Workspace ws) {
            return new Session(t.accessToken(), t.accessExpiresAt(), t.refreshToken(), t.refreshExpiresAt(),
                    UserView.self(t.user()), ws == null ? null : WorkspaceView.of(ws));
        }
    }

    record SetupState(boolean open) {}

    record OneUser(UserView user) {}

    record OneFile(io.parley.server.wire.FileView file) {}

    record OnePresence(PresenceView presence) {}

    record Users(List<UserView> users) {}

    record OneWorkspace(WorkspaceView workspace) {}

    record Workspaces(List<WorkspaceView> workspaces) {}

    /** A workspace member: role, when they joined and who they are. */
    record Member(UUID userId, String role, Instant joinedAt, UserView user) {
        static Member of(Membership m, UserView user) {
            return new Member(m.userId(), m.role().wire(), m.joinedAt(), user);
        }
    }

    record Members(List<Member> members) {}

    /** An invite without its hash; {@code code} and {@code url} appear only in the answer that created it. */
    record InviteView(UUID id, UUID workspaceId, String role, String email, UUID createdBy, Instant createdAt,
                      Instant expiresAt, int maxUses, int uses, boolean revoked, String code, String url) {
        static InviteView of(Invite i, String code) {
            return new InviteView(i.id(), i.workspaceId(), i.role().wire(), i.email(), i.createdBy(), i.createdAt(),
                    i.expiresAt(), i.maxUses(), i.uses(), i.revoked(), code, code == null ? null : "/join/" + code);
        }
    }

    record OneInvite(InviteView invite) {}

    record Invites(List<InviteView> invites) {}

    record OneChat(ChatView chat) {}

    record Chats(List<ChatView> chats) {}

    record OneMessage(MessageView message) {}

    record Messages(List<MessageView> messages, boolean hasMore) {}

    record Thread(MessageView root, List<MessageView> replies, boolean hasMore) {}

    record ReadMark(long lastReadSeq) {}
}
