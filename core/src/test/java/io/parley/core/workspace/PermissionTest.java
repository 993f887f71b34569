package io.parley.core.workspace;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Spec 004's permission matrix, row by row. */
class PermissionTest {
    private static void row(Permission p, boolean guest, boolean member, boolean admin, boolean owner) {
        assertAll(p.name(),
                () -> assertEquals(guest, Role.GUEST.may(p), "guest"),
                () -> assertEquals(member, Role.MEMBER.may(p), "member"),
                () -> assertEquals(admin, Role.ADMIN.may(p), "admin"),
                () -> assertEquals(owner, Role.OWNER.may(p), "owner"));
    }

    @Test
    void matrix() {
        row(Permission.SEND_MESSAGES, true, true, true, true);
        row(Permission.CREATE_CHANNELS, false, true, true, true);
        row(Permission.DELETE_OWN_MESSAGES, true, true, true, true);
        row(Permission.DELETE_ANY_MESSAGE, false, false, true, true);
        row(Permission.MANAGE_CHANNEL_SETTINGS, false, false, true, true);
        row(Permission.INVITE_MEMBERS, false, false, true, true);
        row(Permission.REMOVE_MEMBERS, false, false, true, true);
        row(Permission.MANAGE_WORKSPACE_SETTINGS, false, false, false, true);
        row(Permission.DELETE_WORKSPACE, false, false, false, true);
        row(Permission.MANAGE_INTEGRATIONS, false, false, true, true);
        // Parley narrows spec 004 here on purpose (issue 2): guests see only chats they were added to.
        row(Permission.READ_PUBLIC_CHANNELS, false, true, true, true);
    }

    @Test
    void rolesRoundTripTheirWireNames() {
        for (Role r : Role.values()) assertEquals(r, Role.fromWire(r.wire()));
        assertThrows(IllegalArgumentException.class, () -> Role.fromWire("superuser"));
        assertTrue(Role.OWNER.atLeast(Role.ADMIN));
        assertFalse(Role.GUEST.atLeast(Role.MEMBER));
    }
}
