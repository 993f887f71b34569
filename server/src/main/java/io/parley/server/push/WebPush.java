package io.parley.server.push;

import io.parley.core.notify.PushSender;
import io.parley.server.crypto.Base64Url;
import io.parley.server.outbound.OutboundPolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.time.Clock;

/**
 * Web Push, assembled: the VAPID key pair (made on first start, kept in the database under
 * {@value #VAPID_KEY} so every node of a pod signs with the same key), {@link #subscriptions()} for the REST
 * routes and {@link #sender()} for the notification evaluator. {@link #start()} starts delivery; building alone
 * (the admin CLI) only queues.
 */
public final class WebPush implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(WebPush.class);
    static final String VAPID_KEY = "vapid";

    private final PushSubscriptions subscriptions;
    private final WebPushSender sender;

    private WebPush(PushSubscriptions subscriptions, WebPushSender sender) {
        this.subscriptions = subscriptions;
        this.sender = sender;
    }

    /**
     * Loads or creates the VAPID key pair and builds subscriptions and sender.
     *
     * @param outbound the gate endpoints are checked by and pushes are sent through (the caller closes it)
     */
    public static WebPush open(PushStore store, PushSettings settings, OutboundPolicy outbound, Clock clock) {
        if (settings.subject().endsWith("@localhost")) {
            log.warn("push.subject is {}: set a real contact (mailto: or https:); some push services refuse pushes without one",
                    settings.subject());
        }
        Vapid vapid = new Vapid(vapidKeys(store, clock), settings.subject(), clock);
        return new WebPush(new PushSubscriptions(store, vapid, outbound, clock),
                new WebPushSender(store, settings, vapid, outbound, clock));
    }

    /** {@return the stored VAPID pair, or a new one stored now (if another node stored one first, that one)} */
    static KeyPair vapidKeys(PushStore store, Clock clock) {
        PushStore.ServerKey k = store.serverKey(VAPID_KEY).orElseGet(() -> {
            KeyPair fresh = WebPushCrypto.ephemeralKeyPair();
            return store.saveServerKeyIfAbsent(new PushStore.ServerKey(VAPID_KEY,
                    Base64Url.encode(P256.scalar((java.security.interfaces.ECPrivateKey) fresh.getPrivate())),
                    Base64Url.encode(P256.raw((ECPublicKey) fresh.getPublic())), clock.instant()));
        });
        KeyPair pair;
        try {
            pair = new KeyPair(P256.publicKey(Base64Url.decodeEitherAlphabet(k.publicKey())), P256.privateKey(Base64Url.decodeEitherAlphabet(k.privateKey())));
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("the stored VAPID key pair (server_keys '" + VAPID_KEY + "') is corrupt", e);
        }
        requireMatching(pair);
        return pair;
    }

    private static void requireMatching(KeyPair pair) {
        try {
            byte[] probe = "parley-vapid-probe".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            Signature s = Signature.getInstance("SHA256withECDSA");
            s.initSign(pair.getPrivate());
            s.update(probe);
            byte[] sig = s.sign();
            s.initVerify(pair.getPublic());
            s.update(probe);
            if (!s.verify(sig)) throw new IllegalStateException("the stored VAPID private and public keys do not match");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot check the stored VAPID key pair", e);
        }
    }

    public PushSubscriptions subscriptions() { return subscriptions; }

    /** {@return the port the notification evaluator calls for users who are not connected} */
    public PushSender sender() { return sender; }

    /** Starts the delivery thread. */
    public void start() { sender.start(); }

    /** Stops delivery; queued rows stay for the next start. */
    @Override
    public void close() {
        sender.close();
    }
}
