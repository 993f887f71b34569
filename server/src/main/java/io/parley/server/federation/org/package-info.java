/**
 * Org-shared channels (issue 7 §2, §4; issue 16): one channel mapped on several pods, each pod's chat log a full
 * copy, kept in step by exchanging ops.
 *
 * <p>The algorithm: every op a pod originates lands in its own chat log first; the per-peer outbox
 * ({@link OrgDelivery}) is a cursor into that log per peer, so nothing is queued twice and a restart resumes from the
 * cursor. A batch is sealed in an envelope signed by its origin ({@link OrgEnvelope}) and names the origin seq
 * its predecessor ended with. The receiving pod ({@link OrgInbound}) checks the envelope, applies the ops in each
 * origin's order ({@link OriginTurns}: a batch that overtook its predecessor waits or is refused as out of order),
 * idempotently by the op's client id, and parks an op whose target it has not seen yet. A pod that cannot reach a
 * peer directly relays through a third pod ({@link OrgRelay}), which forwards the sealed envelope unchanged. Digests
 * ({@link OrgDigest}) compare what each pod holds; {@link OrgChannels} wires it all and sweeps which members are
 * unreachable. On a scaled-out pod only the node that holds the pod's duties ({@link io.parley.server.federation.link.PodDuties})
 * delivers.
 *
 * <p>May touch: {@code io.parley.core} (chats, messages, the bus), {@code federation.link} (send, routes, peers,
 * identity) and its store ports: {@link OrgStore} is the whole, made of {@link OrgDirectory}, {@link OrgOutbox},
 * {@link OriginMarks}, {@link ShadowUsers}, {@link ParkedOps}, {@link ReactionMarks}, {@link ChannelContent},
 * {@link OrgFileRecords} and {@link io.parley.server.federation.link.NamedLeases}, and each class takes the narrowest it needs. May not touch: {@code federation.resilient}, which is built on top
 * of this package (checked by {@code ArchitectureTest}).
 */
package io.parley.server.federation.org;
