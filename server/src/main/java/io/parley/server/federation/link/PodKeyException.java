package io.parley.server.federation.link;

/** This pod's key cannot be used: the node refuses to start, and the message says where the key is and what to do. */
public final class PodKeyException extends RuntimeException {
    private PodKeyException(String message, Throwable cause) {
        super(message, cause);
    }

    static PodKeyException damaged(String where, String why) {
        return new PodKeyException("the pod key in " + where + " is damaged: " + why + ". Parley will not start with it. "
                + "Restore it from a backup; or, to give this pod a new identity, remove it (every linked pod must then "
                + "be linked again).", null);
    }

    static PodKeyException unreadable(String where, Throwable cause) {
        return new PodKeyException("the pod key in " + where + " cannot be read or written (" + cause.getMessage()
                + "). Parley will not start without it.", cause);
    }
}
