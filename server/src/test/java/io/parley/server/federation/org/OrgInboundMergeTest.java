package io.parley.server.federation.org;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.core.id.Uuid7;
import io.parley.server.Http;
import io.parley.server.federation.Pods;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The merge rules ({@link io.parley.core.pod.MergeRules}) on the org log, batch by batch, with what each batch's
 * answer counts: a stale edit, an edit or reaction of a deleted message, a second delete and an older reaction are
 * duplicates and change nothing; an edit and a reaction of a message not here yet park and apply when its post comes,
 * a reply whose root is not here parks until the root comes; two edits in one batch, the older second, leave the newer
 * (the store's conditional write decides, the batch being read before either commits).
 */
@Timeout(120)
class OrgInboundMergeTest {
    private long seq;

    @Test
    void eachOpIsAppliedParkedOrCountedADuplicateAsTheRulesSay() throws Exception {
        try (Pods.Pod a = Pods.start("pod-a"); Pods.Pod b = Pods.start("pod-b")) {
            Pods.link(a, b);
            Orgs3.Shared s = Orgs3.share("merge", a, b);
            UUID p1 = Uuid7.next(), p2 = Uuid7.next(), p3 = Uuid7.next(), root = Uuid7.next(), reply = Uuid7.next();

            assertCounts(a, s, 2, 0, 2, List.of(op("post", p1, 100, "one", null), op("post", p2, 101, "two", null),
                    op("edit", p3, 150, "three, edited early", null), op("react.add", p3, 151, null, "+1")));

            assertCounts(a, s, 1, 1, 0, List.of(op("edit", p1, 120, "one, newer", null), op("edit", p1, 110, "one, older", null)));
            assertCounts(a, s, 0, 2, 0, List.of(op("edit", p1, 115, "one, stale", null), op("post", p1, 100, "one", null)));
            assertEquals("one, newer", message(b, p1).path("content").asText());

            assertCounts(a, s, 1, 0, 0, List.of(op("delete", p2, 130, null, null)));
            assertCounts(a, s, 0, 3, 0, List.of(op("edit", p2, 140, "two, after the delete", null), op("delete", p2, 135, null, null),
                    op("react.add", p2, 141, null, "+1")));
            assertEquals(true, message(b, p2).path("deleted").asBoolean());

            assertCounts(a, s, 1, 0, 0, List.of(op("react.add", p1, 200, null, "tada")));
            assertCounts(a, s, 0, 2, 0, List.of(op("react.remove", p1, 190, null, "tada"), op("react.add", p1, 200, null, "tada")));
            assertEquals(List.of("tada"), emojis(message(b, p1)));

            assertCounts(a, s, 3, 0, 0, List.of(op("post", p3, 90, "three", null)));
            JsonNode three = message(b, p3);
            assertEquals("three, edited early", three.path("content").asText());
            assertEquals(List.of("+1"), emojis(three));

            assertCounts(a, s, 0, 0, 1, List.of(reply(reply, root, 300)));
            assertCounts(a, s, 2, 0, 0, List.of(op("post", root, 299, "root", null)));
            assertEquals(root.toString(), message(b, reply).path("threadRootId").asText());
        }
    }

    private OrgWire.Event op(String op, UUID id, long hlc, String content, String emoji) {
        return new OrgWire.Event(++seq, op, id, "pod-a", (1L << 40) + hlc, System.currentTimeMillis(), OrgBatches.ANA, content,
                null, null, emoji, null);
    }

    private OrgWire.Event reply(UUID id, UUID root, long hlc) {
        return new OrgWire.Event(++seq, "post", id, "pod-a", (1L << 40) + hlc, System.currentTimeMillis(), OrgBatches.ANA, "a reply",
                root, "pod-a", null, null);
    }

    /** Sends the ops as one batch from pod-a (no order to keep) and checks what pod-b's answer counts. */
    private static void assertCounts(Pods.Pod a, Orgs3.Shared s, int applied, int duplicates, int parked, List<OrgWire.Event> ops) {
        OrgWire.BatchReply r = OrgBatches.reply(OrgBatches.send(a, "pod-b", s, ops, null).join());
        assertEquals(List.of(applied, duplicates, parked), List.of(r.applied(), r.duplicates(), r.parked()),
                "applied, duplicates, parked of " + ops.stream().map(e -> e.op() + "@" + e.hlc()).toList());
    }

    private static JsonNode message(Pods.Pod p, UUID id) {
        Http.Res r = p.http().get("/api/v1/messages/" + id, p.admin());
        assertEquals(200, r.status(), r.raw());
        return r.body().get("message");
    }

    private static List<String> emojis(JsonNode m) {
        List<String> out = new ArrayList<>();
        m.path("reactions").forEach(x -> out.add(x.path("emoji").asText()));
        return out;
    }
}
