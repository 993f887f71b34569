package io.parley.server.federation.org;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.server.Await;
import io.parley.server.Http;
import io.parley.server.federation.Pods;
import io.parley.server.federation.link.PodResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An origin sends a channel's next batch before the previous one is answered (OrgDelivery keeps two in flight).
 * Two batches sent at once — posts in the first, edits, reactions and deletes of those posts in the second — must
 * end exactly as if sent one after the other, whichever the receiver takes first: the second names the first's last
 * seq, so it is submitted after it (held, if it came first) and sees the first's posts before they are committed.
 */
@Timeout(120)
class OrgInboundOverlapTest {
    private static final int POSTS = 120;

    @Test
    void twoBatchesInFlightEndAsIfSentOneAfterTheOther() throws Exception {
        try (Pods.Pod a = Pods.start("pod-a"); Pods.Pod b = Pods.start("pod-b")) {
            Pods.link(a, b);
            Orgs3.Shared s = Orgs3.share("overlap", a, b);
            OrgWire.Author ana = new OrgWire.Author(UUID.randomUUID(), "ana", "Ana");
            long hlc = 1L << 30;
            long seq = 0;
            List<UUID> ids = new ArrayList<>();
            for (int round = 0; round < 3; round++) {
                long at = System.currentTimeMillis();
                List<OrgWire.Event> posts = new ArrayList<>();
                List<OrgWire.Event> follow = new ArrayList<>();
                List<UUID> mine = new ArrayList<>();
                for (int i = 0; i < POSTS; i++) {
                    UUID id = io.parley.core.id.Uuid7.next();
                    mine.add(id);
                    posts.add(event(++seq, "post", id, ++hlc, at, ana, "post " + round + "/" + i, null));
                }
                for (int i = 0; i < POSTS; i++) {
                    UUID id = mine.get(i);
                    switch (i % 4) {
                        case 0 -> follow.add(event(++seq, "edit", id, ++hlc, at, ana, "edited " + round + "/" + i, null));
                        case 1 -> follow.add(event(++seq, "react.add", id, ++hlc, at, ana, null, "+1"));
                        case 2 -> follow.add(event(++seq, "delete", id, ++hlc, at, ana, null, null));
                        default -> {
                            follow.add(event(++seq, "react.add", id, ++hlc, at, ana, null, "eyes"));
                            follow.add(event(++seq, "react.remove", id, ++hlc, at, ana, null, "eyes"));
                        }
                    }
                }
                ids.addAll(mine);
                CompletableFuture<PodResult> first = OrgBatches.send(a, "pod-b", s, posts, posts.getFirst().seq() - 1);
                CompletableFuture<PodResult> second = OrgBatches.send(a, "pod-b", s, follow, posts.getLast().seq());
                assertTrue(first.join().ok(), first.join().toString());
                assertTrue(second.join().ok(), second.join().toString());
            }
            for (int k = 0; k < ids.size(); k++) {
                UUID id = ids.get(k);
                int round = k / POSTS, i = k % POSTS;
                String what = "message " + round + "/" + i + " on pod-b";
                Await.until(Duration.ofSeconds(20), what, () -> settled(b, id, round, i));
            }
        }
    }

    /** {@return whether pod-b shows the message as the two batches leave it} */
    private static boolean settled(Pods.Pod b, UUID id, int round, int i) {
        Http.Res r = b.http().get("/api/v1/messages/" + id, b.admin());
        if (i % 4 == 2) return r.status() == 404 || (r.status() == 200 && r.body().get("message").path("deleted").asBoolean());
        if (r.status() != 200) return false;
        JsonNode m = r.body().get("message");
        List<String> reactions = new ArrayList<>();
        m.path("reactions").forEach(x -> reactions.add(x.path("emoji").asText() + "×" + x.path("count").asInt()));
        return switch (i % 4) {
            case 0 -> m.path("content").asText().equals("edited " + round + "/" + i) && reactions.isEmpty();
            case 1 -> m.path("content").asText().equals("post " + round + "/" + i) && reactions.equals(List.of("+1×1"));
            default -> m.path("content").asText().equals("post " + round + "/" + i) && reactions.isEmpty();
        };
    }

    private static OrgWire.Event event(long seq, String op, UUID id, long hlc, long at, OrgWire.Author who, String content, String emoji) {
        return new OrgWire.Event(seq, op, id, "pod-a", hlc, at, who, content, null, null, emoji, null);
    }
}
