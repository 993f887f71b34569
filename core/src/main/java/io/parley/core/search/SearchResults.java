package io.parley.core.search;

import io.parley.core.auth.User;
import io.parley.core.chat.Chat;
import io.parley.core.chat.Message;
import io.parley.core.files.FileInfo;

import java.util.List;

/**
 * A page of search results (spec 002 §5.6). Message hits carry the message as it stands now (edits
 * shown; deleted ones never appear), a score and highlighted fragments; people and channel hits
 * come from the directory, file hits from the files' metadata (names). {@code cursor} asks for the next page; null when there is none.
 */
public record SearchResults(List<MessageHit> messages, List<User> people, List<Chat> channels, List<FileInfo> files,
                            long total, String cursor) {
    public SearchResults {
        messages = List.copyOf(messages);
        files = List.copyOf(files);
        people = List.copyOf(people);
        channels = List.copyOf(channels);
    }

    /** A matching message: its current state, score, and fragments with matches in {@code <mark>}. */
    public record MessageHit(Message message, float score, List<String> fragments) {
        public MessageHit {
            fragments = List.copyOf(fragments);
        }
    }
}
