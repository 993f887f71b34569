package io.parley.server.federation.org;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.server.Http;
import io.parley.server.federation.Pods;
import io.parley.server.federation.link.Ed25519;
import io.parley.server.federation.link.PeerAddress;
import io.parley.server.federation.link.PodClient;
import io.parley.server.federation.link.PodResult;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Test fixture: org batches made by hand as an origin's outbox makes them — its ops with their origin seqs, the origin
 * seq of the batch before ({@code prev}), sealed for the recipient and signed by the origin — sent direct, to the
 * linked peer or to one node of it.
 */
final class OrgBatches {
    static final OrgWire.Author ANA = new OrgWire.Author(UUID.fromString("0190a000-0000-7000-8000-00000000a0a0"), "ana", "Ana");

    private OrgBatches() {}

    /** {@return an op of {@code origin}'s, by Ana} */
    static OrgWire.Event event(String origin, long seq, String op, UUID id, long hlc, String content, String emoji) {
        return new OrgWire.Event(seq, op, id, origin, hlc, System.currentTimeMillis(), ANA, content, null, null, emoji, null);
    }

    /** {@return posts of {@code origin}'s with seqs {@code fromSeq}, {@code fromSeq + 1}, …, contents "{@code tag} 0", "{@code tag} 1", …} */
    static List<OrgWire.Event> posts(String origin, long fromSeq, int n, String tag) {
        List<OrgWire.Event> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(event(origin, fromSeq + i, "post", io.parley.core.id.Uuid7.next(), (1L << 40) + fromSeq + i, tag + " " + i, null));
        }
        return out;
    }

    /** Sends a batch from {@code from} to the linked peer {@code to}, direct. */
    static CompletableFuture<PodResult> send(Pods.Pod from, String to, Orgs3.Shared s, List<OrgWire.Event> events, Long prev) {
        return send(from, from.federation().peers().find(to).orElseThrow().address(), s, events, prev);
    }

    /** Sends a batch from {@code from} to a pod at this address (one node of it, say), direct. */
    static CompletableFuture<PodResult> send(Pods.Pod from, PeerAddress to, Orgs3.Shared s, List<OrgWire.Event> events, Long prev) {
        byte[] body = PodClient.json(new OrgWire.Batch(s.orgId(), s.orgChannelId(), from.id(), to.id(), events, prev));
        byte[] sig = from.federation().identity().sign(OrgEnvelope.envelopeSigned(from.id(), to.id(), body));
        var delivery = new OrgWire.Delivery(s.orgId(), new OrgWire.Envelope(from.id(), Ed25519.b64(body), Ed25519.b64(sig)));
        return from.federation().client().sendAsync(to, OrgWire.EVENTS, PodClient.json(delivery), Duration.ofSeconds(10),
                new PodClient.Report(to.id(), PodClient.DIRECT));
    }

    /** {@return the recipient's answer to a batch} @throws AssertionError if the call failed */
    static OrgWire.BatchReply reply(PodResult r) {
        if (!(r instanceof PodResult.Ok ok)) throw new AssertionError("the batch was not answered: " + r);
        return ok.json(OrgWire.BatchReply.class);
    }

    /** {@return the contents of the chat's top-level messages in the default order (the pod's log), oldest first} */
    static List<String> history(Pods.Pod p, UUID chatId) {
        Http.Res r = p.http().get("/api/v1/chats/" + chatId + "/messages?limit=200", p.admin());
        assertEquals(200, r.status(), r.raw());
        List<String> out = new ArrayList<>();
        for (JsonNode m : r.body().get("messages")) out.add(m.path("content").asText());
        return out;
    }

    /** {@return the contents of these posts, in their order} */
    static List<String> contents(List<OrgWire.Event> events) {
        return events.stream().map(OrgWire.Event::content).toList();
    }

    /** {@return a counter of the pod's {@code parley_pod_org_batches_overtaken_total}, 0 if not counted yet} */
    static double overtaken(Pods.Pod p, String outcome) {
        return Math.max(0, Pods.metric(p.metrics(), "parley_pod_org_batches_overtaken_total", "outcome", outcome));
    }
}
