package io.parley.core.chat;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MentionsTest {
    @Test
    void handlesChannelAndHereAreFound() {
        Mentions m = Mentions.parse("@Ana and @ben.k, see this @channel — @here too. Thanks @ana!");
        assertEquals(List.of("ana", "ben.k"), m.handles());
        assertTrue(m.channel());
        assertTrue(m.here());
    }

    @Test
    void emailAddressesAndCodeLikeTextAreNotMentions() {
        Mentions m = Mentions.parse("write to ana@example.com or x@y");
        assertSame(Mentions.NONE, m);
    }

    @Test
    void trailingPunctuationIsNotPartOfTheHandle() {
        assertEquals(List.of("ana"), Mentions.parse("thanks @ana.").handles());
        assertFalse(Mentions.parse("@everyone").here());
        assertTrue(Mentions.parse("@everyone").channel());
    }
}
