package io.parley.server.federation.resilient;

import io.parley.core.auth.Principal;
import io.parley.core.error.ErrorCode;
import io.parley.core.error.ParleyException;
import io.parley.server.federation.link.Federation;
import io.parley.server.federation.link.PodResult;
import io.parley.server.federation.link.Signing;
import io.parley.server.federation.org.OrgChannels;
import io.parley.server.federation.org.OrgStore;
import io.parley.server.federation.org.OrgWire;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Restore of a pod that lost its storage (issue 7 §5), by admin action: the channel's log is pulled from a replica
 * (decrypted there, sent signed), page by page, and applied to the local mapped chat through the org inbound path,
 * which is idempotent and indexes for search as it goes. A restored op's client id comes from its identity, above
 * every live op's ({@link ResilientChannels#RESTORE_SEQ_BASE}), so the same op restored twice meets its first copy.
 */
final class ResilientRestorer {
    private static final Logger log = LoggerFactory.getLogger(ResilientChannels.class);
    private final ResilientContext ctx;
    private final Federation federation;
    private final String me;
    private final OrgStore orgStore;
    private final OrgChannels orgs;

    ResilientRestorer(ResilientContext ctx) {
        this.ctx = ctx;
        this.federation = ctx.federation();
        this.me = ctx.me();
        this.orgStore = ctx.orgStore();
        this.orgs = ctx.orgs();
    }

    /**
     * Pulls the channel's log from a replica ({@code from}, or the first of the org's members that answers) and
     * applies it to the local mapped chat through the org inbound path (idempotent; indexed for search as it goes).
     */
    ResilientChannels.Restored restore(Principal caller, String id, String from) {
        OrgStore.OrgChannel ch = ctx.orgChannel(id);
        if (ch.chatId() == null) throw ParleyException.invalid("map the org channel to a local chat first, then restore it");
        List<String> sources = new ArrayList<>();
        if (from != null) sources.add(from);
        else for (String m : federation.health().ranked(orgStore.members(ch.orgId()))) if (!m.equals(me)) sources.add(m);
        String lastError = "no replica answered";
        for (String source : sources) {
            if (federation.peers().find(source).isEmpty()) continue;
            ResilientStore.Position after = ResilientStore.Position.START;
            int total = 0;
            boolean failed = false;
            while (true) {
                PodResult r = federation.client().send(source, ResilientWire.PULL, new ResilientWire.Pull(id, after, 500));
                if (!(r instanceof PodResult.Ok ok)) {
                    lastError = source + ": " + (r instanceof PodResult.Failed f ? (f.code() != null ? f.code() : f.kind().name()) : "?");
                    failed = true;
                    break;
                }
                ResilientWire.PullReply reply = ok.json(ResilientWire.PullReply.class);
                List<ResilientWire.Op> ops = reply.ops() == null ? List.of() : reply.ops();
                applyRestored(ch, ops);
                total += ops.size();
                if (ops.isEmpty() || !reply.more() || reply.next() == null) break;
                after = reply.next();
            }
            if (failed && total == 0) continue;
            log.info("resilient channel {}: restored {} ops from pod {} (admin {})", id, total, source, caller.userId());
            return new ResilientChannels.Restored(id, source, total, orgs.digest(caller, id).stateDigest());
        }
        throw new ParleyException(ErrorCode.PEER_UNREACHABLE, "no replica gave the channel's log: " + lastError);
    }

    /**
     * Applies pulled ops in the replica's order (hlc: each origin's ops in its order), each run of one origin as one batch
     * of that origin. A restored op's client id comes from its identity ({@link #restoreSeq}): seqs of different sources'
     * logs may be equal, and the same op restored twice, from any replica, must meet its first copy.
     */
    private void applyRestored(OrgStore.OrgChannel ch, List<ResilientWire.Op> ops) {
        List<OrgWire.Event> run = new ArrayList<>();
        String runOrigin = null;
        for (ResilientWire.Op op : ops) {
            if (op == null || op.event() == null || op.origin() == null) continue;
            if (runOrigin != null && !runOrigin.equals(op.origin())) {
                orgs.applyRestored(runOrigin, ch, run);
                run = new ArrayList<>();
            }
            runOrigin = op.origin();
            OrgWire.Event e = op.event();
            run.add(new OrgWire.Event(restoreSeq(op), e.op(), e.messageId(), e.messagePod(), e.hlc(), e.at(), e.author(), e.content(),
                    e.threadRoot(), e.threadRootPod(), e.emoji(), e.files()));
        }
        if (!run.isEmpty()) orgs.applyRestored(runOrigin, ch, run);
    }

    /**
     * {@return the seq a restored op's client id is made from: {@link ResilientChannels#RESTORE_SEQ_BASE} plus 61 bits of a SHA-256 of
     * its identity} Above every live op's seq; two different ops of one author meet with a chance of about 2^-61.
     */
    static long restoreSeq(ResilientWire.Op op) {
        byte[] h = Signing.sha256(("parley-restore\n" + op.identity()).getBytes(StandardCharsets.UTF_8));
        long v = 0;
        for (int i = 0; i < 8; i++) v = (v << 8) | (h[i] & 0xff);
        return ResilientChannels.RESTORE_SEQ_BASE + (v & ((1L << 61) - 1));
    }
}
