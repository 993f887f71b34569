package io.parley.server.federation.org;

import io.parley.server.federation.link.NamedLeases;

/**
 * What org-shared channels keep in the database: orgs and their member pods, org channels and their local
 * mapping, the per-peer outbox cursors, shadow users of remote authors, parked inbound ops and the reaction
 * marks of remote users. Implemented over JDBC by {@code io.parley.server.store.SqlOrgStore}.
 *
 * <p>It is made of narrow ports, one per thing held (issue 17 §3); each federation class takes the narrowest it needs,
 * and only the wiring sees the whole.
 */
public interface OrgStore extends OrgDirectory, OrgOutbox, OriginMarks, ShadowUsers, ParkedOps, ReactionMarks,
        ChannelContent, OrgFileRecords, NamedLeases {
}
