package io.parley.server.federation.resilient;

import io.parley.core.chat.PostingGate;
import io.parley.core.error.ErrorCode;
import io.parley.core.error.ParleyException;
import io.parley.core.pod.HealthManager;
import io.parley.core.pod.PeerState;
import io.parley.server.federation.link.Federation;
import io.parley.server.federation.org.OrgDirectory;

import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * The pod layer's gate on posts by users (spec 000): a resilient channel whose primary pod is down refuses them with
 * {@code PRIMARY_UNAVAILABLE} unless the channel takes posts meanwhile. It reads only the stores and this pod's view
 * of its peers' health, so it exists before the message service that asks it.
 */
public final class ResilientPostingGate implements PostingGate {
    private final HealthManager health;
    private final String me;
    private final OrgDirectory orgs;
    private final ReplicaConfigs store;

    public ResilientPostingGate(Federation federation, OrgDirectory orgs, ReplicaConfigs store) {
        this.health = federation.health();
        this.me = federation.identity().id();
        this.orgs = Objects.requireNonNull(orgs, "orgs");
        this.store = Objects.requireNonNull(store, "store");
    }

    /** @throws ParleyException PRIMARY_UNAVAILABLE in a resilient channel whose primary is down, when it says so */
    @Override
    public void check(UUID chatId) {
        // The send path's common case reads nothing: only a DEAD peer can be a primary that refuses posts.
        if (!health.anyDead()) return;
        Optional<OrgDirectory.OrgChannel> ch = orgs.channelOfChat(chatId);
        if (ch.isEmpty()) return;
        Optional<ResilientStore.Config> c = store.config(ch.get().id());
        if (c.isEmpty() || c.get().postingWhilePrimaryDown() || c.get().primary().equals(me)) return;
        if (health.health(c.get().primary()).state() == PeerState.DEAD) {
            throw new ParleyException(ErrorCode.PRIMARY_UNAVAILABLE, "the channel's primary pod '" + c.get().primary()
                    + "' is down and the channel does not take posts meanwhile; try again when it is back");
        }
    }
}
