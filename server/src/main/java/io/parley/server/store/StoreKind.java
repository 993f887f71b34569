package io.parley.server.store;

/** Which database a pod stores its data in. */
public enum StoreKind {
    /** One file, one writer: the single-node default. */
    SQLITE,
    /** Shared by the nodes of a scaled-out pod. */
    POSTGRES
}
