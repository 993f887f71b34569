package io.parley.core.pod;

/** Told when replication hits a limit, to notify admins (log, metric, admin event). Called without locks held. */
@FunctionalInterface
public interface QuotaAlert {
    /** Which limit. */
    enum Kind { RESILIENT_CHANNELS, REPLICATED_BYTES, REPLICATION_RATE }

    /** A limit was hit; {@code detail} says where and by how much, without any message content. */
    void onQuotaExceeded(Kind kind, String detail);
}
