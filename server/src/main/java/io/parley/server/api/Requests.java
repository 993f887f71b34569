package io.parley.server.api;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.List;
import java.util.UUID;

import static io.parley.server.api.ApiSupport.required;

/**
 * The REST request bodies, one record each. Compact constructors reject missing required fields
 * with INVALID naming the field; the core services check values (lengths, formats, permissions).
 * Optional fields are boxed so that "absent" is {@code null}.
 */
final class Requests {
    private Requests() {}

    record Setup(String email, String handle, String displayName, String password, String workspaceName) {
        Setup {
            required("email", email);
            required("handle", handle);
            required("password", password);
            required("workspaceName", workspaceName);
        }
    }

    record Register(String inviteCode, String email, String handle, String displayName, String password) {
        Register {
            required("inviteCode", inviteCode);
            required("email", email);
            required("handle", handle);
            required("password", password);
        }
    }

    record Login(String email, String password) {
        Login {
            required("email", email);
            required("password", password);
        }
    }

    record Refresh(String refreshToken) {
        Refresh {
            required("refreshToken", refreshToken);
        }
    }

    record ChangePassword(String oldPassword, String newPassword) {
        ChangePassword {
            required("oldPassword", oldPassword);
            required("newPassword", newPassword);
        }
    }

    record Profile(String handle, String displayName) {}

    record CreateWorkspace(String name) {
        CreateWorkspace {
            required("name", name);
        }
    }

    record JoinWorkspace(String code) {
        JoinWorkspace {
            required("code", code);
        }
    }

    record CreateInvite(String role, Long expiresInSeconds, Integer maxUses, String email) {
        CreateInvite {
            ApiSupport.role(role);
            if (expiresInSeconds != null && (expiresInSeconds < 1 || expiresInSeconds > 30L * 24 * 3600)) {
                throw io.parley.core.error.ParleyException.invalid("expiresInSeconds must be between 1 and 2592000 (30 days)");
            }
        }
    }

    record Settings(String name, Boolean openSignup) {}

    record SetRole(String role) {
        SetRole {
            required("role", role);
            ApiSupport.role(role);
        }
    }

    record CreateChannel(String name, @JsonProperty("private") Boolean isPrivate, String topic, String purpose) {
        CreateChannel {
            required("name", name);
        }
    }

    record UpdateChat(String name, String topic, String purpose) {}

    record UserIds(List<UUID> userIds) {
        UserIds {
            required("userIds", userIds);
            userIds = ApiSupport.list("userIds", userIds);
        }
    }

    /** {@code priority}: "normal" (default) or "urgent" (spec 002 §3.7). */
    /** {@code content} may be empty (or absent) only when {@code attachments} names files. */
    record PostMessage(String content, UUID replyTo, UUID clientMsgId, String priority, List<UUID> attachments) {
        PostMessage {
            if (attachments == null || attachments.isEmpty()) required("content", content);
            if (priority != null && !priority.equals("normal") && !priority.equals("urgent")) {
                throw io.parley.core.error.ParleyException.invalid("priority must be normal or urgent");
            }
        }
    }

    record EditMessage(String content) {
        EditMessage {
            required("content", content);
        }
    }

    record React(String emoji) {
        React {
            required("emoji", emoji);
        }
    }

    record MarkRead(UUID messageId, Long seq) {
        MarkRead {
            if (messageId == null && seq == null) throw io.parley.core.error.ParleyException.invalid("messageId or seq is required");
            if (messageId != null && seq != null) throw io.parley.core.error.ParleyException.invalid("give messageId or seq, not both");
            if (seq != null && seq < 0) throw io.parley.core.error.ParleyException.invalid("seq must not be negative");
        }
    }
}
