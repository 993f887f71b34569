package io.parley.server.store;

import io.parley.core.auth.User;
import io.parley.core.chat.Chat;
import io.parley.core.chat.ChatKind;
import io.parley.core.chat.Mentions;
import io.parley.core.error.ErrorCode;
import io.parley.core.error.ParleyException;
import io.parley.core.store.LogCommand;
import io.parley.core.store.LogResult;
import io.parley.core.workspace.Membership;
import io.parley.core.workspace.Role;
import io.parley.core.workspace.Workspace;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.function.Executable;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * One database per test class, opened through {@link Stores} (Flyway migrates it), and the fixtures the store
 * contracts share: users, workspaces, chats and log commands. A subclass says how to reach its database
 * ({@link #config()}, and {@link #prepare()} to create or skip it). Tests share the class's database and keep
 * apart by using fresh ids.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class StoreFixtures {
    static final Instant T0 = Instant.parse("2025-01-01T10:00:00Z");
    static final AtomicLong HLC = new AtomicLong(1_000);

    Stores stores;

    /** {@return how to reach this class's database} */
    abstract StoreConfig config();

    /** Prepares the database (or skips the class). */
    void prepare() {}

    void cleanUp() throws Exception {}

    @BeforeAll
    void openStores() {
        prepare();
        stores = Stores.open(config(), "pod-a");
    }

    @AfterAll
    void closeStores() throws Exception {
        if (stores != null) stores.close();
        cleanUp();
    }

    // ---- fixtures ----

    static UUID id() { return UUID.randomUUID(); }

    static String unique(String prefix) { return prefix + "-" + UUID.randomUUID().toString().substring(0, 8); }

    User user() {
        String handle = unique("u");
        User u = new User(id(), handle + "@example.com", handle, "User " + handle, "hash", T0, false);
        stores.users().insert(u);
        return u;
    }

    Workspace workspace(User owner) {
        Workspace w = new Workspace(id(), "Acme", unique("acme"), owner.id(), T0, false);
        stores.workspaces().create(w, new Membership(w.id(), owner.id(), Role.OWNER, T0));
        return w;
    }

    Chat channel(Workspace w, User creator, UUID... members) {
        Chat c = new Chat(id(), w.id(), ChatKind.PUBLIC_CHANNEL, unique("general"), null, null, false, creator.id(), T0, 0, null);
        var all = new java.util.ArrayList<UUID>(List.of(members));
        all.add(creator.id());
        stores.chats().create(c, all);
        return c;
    }

    /** A chat with its workspace and creator, for log tests. */
    record Room(Workspace ws, User owner, Chat chat) {}

    Room room() {
        User owner = user();
        Workspace w = workspace(owner);
        return new Room(w, owner, channel(w, owner));
    }

    static LogCommand.Post post(Room r, UUID actor, String content) { return post(r, actor, content, null, id()); }

    static LogCommand.Post post(Room r, UUID actor, String content, UUID root, UUID clientId) {
        return new LogCommand.Post(r.ws().id(), r.chat().id(), actor, clientId, id(), content, root,
                Mentions.parse(content), "pod-a", HLC.incrementAndGet(), T0, List.of(), null);
    }

    static LogCommand.Edit edit(Room r, UUID actor, UUID messageId, String content, long hlc) {
        return new LogCommand.Edit(r.ws().id(), r.chat().id(), actor, id(), messageId, content, Mentions.parse(content),
                hlc, T0.plusSeconds(5));
    }

    static LogCommand.Delete delete(Room r, UUID actor, UUID messageId) {
        return new LogCommand.Delete(r.ws().id(), r.chat().id(), actor, id(), messageId, HLC.incrementAndGet(), T0.plusSeconds(9));
    }

    static LogCommand.React react(Room r, UUID actor, UUID messageId, String emoji, boolean add) {
        return new LogCommand.React(r.ws().id(), r.chat().id(), actor, id(), messageId, emoji, add, HLC.incrementAndGet(),
                T0.plusSeconds(7));
    }

    LogResult append(LogCommand cmd) {
        return stores.messages().append(cmd).orTimeout(10, TimeUnit.SECONDS).join();
    }

    static ErrorCode failure(Executable e) {
        Throwable t = assertThrows(Throwable.class, e);
        if (t instanceof CompletionException ce) t = ce.getCause();
        return assertInstanceOf(ParleyException.class, t).code();
    }

    static ErrorCode failure(CompletableFuture<?> f) {
        return failure(() -> f.orTimeout(10, TimeUnit.SECONDS).join());
    }

}
