package io.parley.server.federation.link;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.Signature;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The fast signing path agrees with the JDK's Ed25519 provider, both ways, and refuses what it must. */
class Ed25519Test {
    private final byte[] data = "POST\n/pod/v1/org/events\nsha256\n1764600000000\nnonce".getBytes(StandardCharsets.UTF_8);

    @Test
    void signaturesAreTheJdkProvidersBothWays() throws Exception {
        KeyPair kp = Ed25519.generate();
        byte[] ours = Ed25519.sign(kp.getPrivate(), data);
        Signature jdk = Signature.getInstance("Ed25519");
        jdk.initSign(kp.getPrivate());
        jdk.update(data);
        byte[] theirs = jdk.sign();
        assertArrayEquals(theirs, ours, "Ed25519 is deterministic: the same bytes from either implementation");
        Signature check = Signature.getInstance("Ed25519");
        check.initVerify(kp.getPublic());
        check.update(data);
        assertTrue(check.verify(ours), "the JDK accepts ours");
        assertTrue(Ed25519.verify(kp.getPublic(), data, theirs), "we accept the JDK's");
        // A key read back from its text form signs and verifies the same way.
        assertTrue(Ed25519.verify(Ed25519.publicKey(Ed25519.text(kp.getPublic())), data,
                Ed25519.sign(Ed25519.privateKey(Ed25519.text(kp.getPrivate())), data)));
    }

    @Test
    void wrongKeysAlteredDataAndMalformedSignaturesAreRefused() {
        KeyPair kp = Ed25519.generate();
        KeyPair other = Ed25519.generate();
        byte[] sig = Ed25519.sign(kp.getPrivate(), data);
        assertFalse(Ed25519.verify(other.getPublic(), data, sig), "another pod's key");
        byte[] altered = data.clone();
        altered[0] ^= 1;
        assertFalse(Ed25519.verify(kp.getPublic(), altered, sig), "altered data");
        byte[] flipped = sig.clone();
        flipped[10] ^= 1;
        assertFalse(Ed25519.verify(kp.getPublic(), data, flipped), "an altered signature");
        assertFalse(Ed25519.verify(kp.getPublic(), data, new byte[63]), "too short");
        assertFalse(Ed25519.verify(kp.getPublic(), data, new byte[65]), "too long");
        assertFalse(Ed25519.verify(kp.getPublic(), data, null), "none");
    }
}
