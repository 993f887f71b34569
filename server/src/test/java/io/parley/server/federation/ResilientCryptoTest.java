package io.parley.server.federation;

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

    @Test
    void hkdfMatchesRfc5869TestCase1() {
        byte[] ikm = new byte[22];
        java.util.Arrays.fill(ikm, (byte) 0x0b);
        byte[] salt = java.util.HexFormat.of().parseHex("000102030405060708090a0b0c");
        byte[] info = java.util.HexFormat.of().parseHex("f0f1f2f3f4f5f6f7f8f9");
        assertArrayEquals(java.util.HexFormat.of().parseHex(
                "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865"), Hkdf.sha256(ikm, salt, info, 42));
    }
}
