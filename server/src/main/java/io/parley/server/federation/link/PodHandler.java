package io.parley.server.federation.link;

/**
 * Handles one pod-to-pod call whose sender has already been authenticated: a linked peer whose signature, timestamp
 * and nonce were checked. Throw a {@link io.parley.core.error.ParleyException} for a refusal the sender should see.
 */
@FunctionalInterface
public interface PodHandler {
    /**
     * @param fromPeer the id of the linked pod that sent it
     * @param body the request body as sent (JSON)
     */
    PodReply handle(String fromPeer, byte[] body) throws Exception;

    /** A handler of a typed JSON body; see {@link PodRoutes#handle(String, Class, Typed)}. */
    @FunctionalInterface
    interface Typed<T> {
        PodReply handle(String fromPeer, T body) throws Exception;
    }
}
