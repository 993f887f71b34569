package io.parley.server.federation.resilient;

import io.parley.server.federation.link.Ed25519;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The sealing and key exchange of resilient channels. */
class ResilientCryptoTest {
    @Test
    void sealedDataOpensOnlyWithItsKeyAndPlace() {
        byte[] key = ResilientCrypto.newKey();
        byte[] plain = "hello replica".getBytes(StandardCharsets.UTF_8);
        byte[] sealed = ResilientCrypto.seal(key, plain, "org:x#c\n1");
        assertFalse(new String(sealed, StandardCharsets.ISO_8859_1).contains("hello"), "no plaintext in the sealed bytes");
        assertNotEquals(Ed25519.b64(sealed), Ed25519.b64(ResilientCrypto.seal(key, plain, "org:x#c\n1")), "a fresh nonce per seal");
        assertArrayEquals(plain, ResilientCrypto.open(key, sealed, "org:x#c\n1"));
        assertThrows(IllegalArgumentException.class, () -> ResilientCrypto.open(key, sealed, "org:x#c\n2"), "moved to another seq");
        assertThrows(IllegalArgumentException.class, () -> ResilientCrypto.open(ResilientCrypto.newKey(), sealed, "org:x#c\n1"));
        byte[] tampered = sealed.clone();
        tampered[tampered.length - 1] ^= 1;
        assertThrows(IllegalArgumentException.class, () -> ResilientCrypto.open(key, tampered, "org:x#c\n1"));
    }

    @Test
    void bothSidesOfTheExchangeDeriveTheSameWrappingKey() {
        KeyPair primary = ResilientCrypto.x25519();
        KeyPair replica = ResilientCrypto.x25519();
        byte[] salt = ResilientCrypto.random(16);
        byte[] k1 = ResilientCrypto.wrappingKey(primary.getPrivate(),
                ResilientCrypto.publicOf(ResilientCrypto.publicText(replica.getPublic())), salt, "ch\npod-a\npod-b");
        byte[] k2 = ResilientCrypto.wrappingKey(replica.getPrivate(),
                ResilientCrypto.publicOf(ResilientCrypto.publicText(primary.getPublic())), salt, "ch\npod-a\npod-b");
        assertArrayEquals(k1, k2);
        byte[] other = ResilientCrypto.wrappingKey(replica.getPrivate(), primary.getPublic(), salt, "ch\npod-a\npod-c");
        assertFalse(java.util.Arrays.equals(k1, other), "the context binds the key to its pair of pods");
        byte[] channelKey = ResilientCrypto.newKey();
        assertArrayEquals(channelKey, ResilientCrypto.open(k2, ResilientCrypto.seal(k1, channelKey, "ch"), "ch"));
        assertThrows(IllegalArgumentException.class, () -> ResilientCrypto.publicOf("not-a-key"));
    }
}
