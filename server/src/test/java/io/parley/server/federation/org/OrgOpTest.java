package io.parley.server.federation.org;

import io.parley.core.chat.EventType;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The one mapper each way between log rows, wire strings and {@link OrgOp}; the wire strings are the ones peers speak. */
class OrgOpTest {
    @Test
    void theWireSpellsOpsAsPeersAlwaysHave() {
        assertEquals(List.of("post", "edit", "delete", "react.add", "react.remove"),
                Arrays.stream(OrgOp.values()).map(OrgOp::wire).toList());
    }

    @Test
    void everyOpComesBackFromItsWireStringAndNothingElseDoes() {
        for (OrgOp op : OrgOp.values()) assertEquals(Optional.of(op), OrgOp.fromWire(op.wire()));
        assertAll(
                () -> assertEquals(Optional.empty(), OrgOp.fromWire("POST")),
                () -> assertEquals(Optional.empty(), OrgOp.fromWire("react")),
                () -> assertEquals(Optional.empty(), OrgOp.fromWire(null)));
    }

    @Test
    void logRowsTravelAsTheirOpsAndDerivedRowsDoNotTravel() {
        assertAll(
                () -> assertEquals(Optional.of(OrgOp.POST), OrgOp.fromLog(EventType.MESSAGE_POSTED.name(), false)),
                () -> assertEquals(Optional.of(OrgOp.POST), OrgOp.fromLog(EventType.MESSAGE_POSTED.name(), true)),
                () -> assertEquals(Optional.of(OrgOp.EDIT), OrgOp.fromLog(EventType.MESSAGE_EDITED.name(), false)),
                () -> assertEquals(Optional.empty(), OrgOp.fromLog(EventType.MESSAGE_EDITED.name(), true)),
                () -> assertEquals(Optional.of(OrgOp.DELETE), OrgOp.fromLog(EventType.MESSAGE_DELETED.name(), true)),
                () -> assertEquals(Optional.of(OrgOp.REACT_ADD), OrgOp.fromLog(EventType.REACTION_ADDED.name(), false)),
                () -> assertEquals(Optional.of(OrgOp.REACT_REMOVE), OrgOp.fromLog(EventType.REACTION_REMOVED.name(), false)),
                () -> assertEquals(Optional.empty(), OrgOp.fromLog(EventType.THREAD_UPDATED.name(), false)),
                () -> assertEquals(Optional.empty(), OrgOp.fromLog("SOMETHING_NEW", false)));
    }
}
