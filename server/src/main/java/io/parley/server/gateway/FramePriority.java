package io.parley.server.gateway;

/**
 * How much a frame matters when a client falls behind (spec 002 §7.4). When a connection's backlog
 * passes a class's threshold, frames of that class are dropped instead of queued: typing first,
 * then presence, then reactions, then receipts. Essential frames (messages, acks, errors, badges)
 * are never dropped; past the queue limit the client is shed instead and recovers through sync.
 */
enum FramePriority {
    TYPING(0.25), PRESENCE(0.50), REACTION(0.75), RECEIPT(0.90), ESSENTIAL(Double.POSITIVE_INFINITY);

    private final double dropAtFraction;

    FramePriority(double dropAtFraction) {
        this.dropAtFraction = dropAtFraction;
    }

    /** {@return whether a frame of this class is dropped at this backlog} */
    boolean dropAt(int backlog, int queueMax) {
        return backlog >= dropAtFraction * queueMax;
    }
}
