package io.parley.server.federation.link;

import java.util.Optional;

/** Where this pod's key pair rests: a file in the data directory (one node), or the shared database (a scaled-out pod). */
interface KeyPlace {
    /** {@return the stored key, if there is one} @throws PodKeyException if it is there but cannot be parsed */
    Optional<StoredKey> read();

    /** Stores the key unless one is there already (another node was first); {@return the key now stored} */
    StoredKey createIfAbsent(StoredKey fresh);

    /** {@return where this is, for messages: a path, or a table} */
    String describe();
}
