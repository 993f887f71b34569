package io.parley.core.notify;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The {@link PushSender} of a node with no push transport configured: it drops notifications (logged at DEBUG). */
public final class NoPushTransport implements PushSender {
    private static final Logger log = LoggerFactory.getLogger(NoPushTransport.class);

    @Override
    public void send(Notification notification) {
        if (log.isDebugEnabled()) {
            log.debug("no push transport configured; dropped a push for user {} about message {}",
                    notification.userId(), notification.messageId());
        }
    }
}
