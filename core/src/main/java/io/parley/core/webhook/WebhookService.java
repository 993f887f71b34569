package io.parley.core.webhook;

import io.parley.core.auth.Principal;
import io.parley.core.auth.TokenCodec;
import io.parley.core.chat.BotProfile;
import io.parley.core.chat.Chat;
import io.parley.core.chat.ChatService;
import io.parley.core.chat.Mentions;
import io.parley.core.chat.Message;
import io.parley.core.chat.MessageService;
import io.parley.core.error.ErrorCode;
import io.parley.core.error.Input;
import io.parley.core.error.ParleyException;
import io.parley.core.id.Uuid7;
import io.parley.core.id.UuidText;
import io.parley.core.store.ChatStore;
import io.parley.core.store.LogResult;
import io.parley.core.store.WorkspaceStore;
import io.parley.core.workspace.Membership;
import io.parley.core.workspace.Permission;

import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;

/**
 * Incoming webhooks: admins (spec 004's MANAGE_INTEGRATIONS) create, list, rotate and delete them; a post
 * through one goes into its channel, or another channel its owner may post in, as the webhook's bot identity
 * through the one delivery path (log, bus, fan-out, badges, notifications, search).
 *
 * <p>The owner's rights are checked at every post, not only at creation: a webhook whose owner left the
 * workspace, or left a private channel, can no longer post there.
 */
public final class WebhookService {
    /** Longest webhook name. */
    public static final int MAX_NAME = BotProfile.MAX_NAME;
    private static final Pattern EMOJI = Pattern.compile("^:[a-z0-9_+\\-]{1,62}:$");
    private static final int MAX_URL = 2048;

    /** A webhook as created or rotated: the token is shown only here. */
    public record Issued(Webhook hook, String token) {}

    private final WebhookStore hooks;
    private final ChatService chatService;
    private final ChatStore chats;
    private final WorkspaceStore workspaces;
    private final MessageService messages;
    private final Clock clock;

    public WebhookService(WebhookStore hooks, ChatService chatService, ChatStore chats, WorkspaceStore workspaces,
                          MessageService messages, Clock clock) {
        this.hooks = hooks;
        this.chatService = chatService;
        this.chats = chats;
        this.workspaces = workspaces;
        this.messages = messages;
        this.clock = clock;
    }

    /** Creates a webhook for a channel the caller (an admin) may post in. */
    public Issued create(Principal caller, UUID chatId, String name, String iconEmoji, String iconUrl) {
        Chat chat = chatService.requireReadable(caller.userId(), chatId);
        if (!chat.kind().isChannel()) throw ParleyException.invalid("webhooks post into channels, not direct messages");
        requireManager(caller.userId(), chat.workspaceId());
        chatService.requirePostable(caller.userId(), chatId);
        String token = TokenCodec.mint("whk_");
        Webhook hook = new Webhook(Uuid7.next(), chat.workspaceId(), chatId, Input.name("name", name, MAX_NAME),
                emoji("iconEmoji", iconEmoji), url("iconUrl", iconUrl), TokenCodec.hash(token), caller.userId(), clock.instant());
        hooks.insert(hook);
        return new Issued(hook, token);
    }

    /** {@return the workspace's webhooks (admins)} */
    public List<Webhook> list(Principal caller, UUID workspaceId) {
        requireManager(caller.userId(), workspaceId);
        return hooks.inWorkspace(workspaceId);
    }

    /** Gives the webhook a new URL; the old one stops working at once. */
    public Issued rotate(Principal caller, UUID hookId) {
        Webhook hook = managed(caller, hookId);
        String token = TokenCodec.mint("whk_");
        hooks.rotate(hook.id(), TokenCodec.hash(token));
        return new Issued(hooks.byId(hookId).orElseThrow(), token);
    }

    public void delete(Principal caller, UUID hookId) {
        hooks.delete(managed(caller, hookId).id());
    }

    /** {@return the webhook a URL's token names} @throws ParleyException NOT_FOUND for a token no webhook has (any more) */
    public Webhook resolve(String token) {
        return hooks.byTokenHash(TokenCodec.hash(token == null ? "" : token))
                .orElseThrow(() -> new ParleyException(ErrorCode.NOT_FOUND, "no such webhook"));
    }

    /**
     * Posts through a webhook (see {@link #resolve}).
     *
     * @throws ParleyException NOT_FOUND for a channel that is not there for the owner; FORBIDDEN when the owner may
     *     not post there (any more); ARCHIVED; RATE_LIMITED; INVALID for bad fields
     */
    public CompletableFuture<LogResult> post(Webhook hook, IncomingPost post) {
        Optional<Membership> owner = workspaces.membership(hook.workspaceId(), hook.ownerId());
        if (owner.isEmpty() || !owner.get().role().may(Permission.SEND_MESSAGES)) {
            throw ParleyException.forbidden("the webhook's owner is no longer in the workspace");
        }
        Chat target = target(hook, post.channel());
        String text = post.text();
        if (text.length() > Message.MAX_CONTENT) text = text.substring(0, Message.MAX_CONTENT - 1) + "…"; // as Slack does
        String username = botName(post.username());
        BotProfile bot = new BotProfile(username.isEmpty() ? hook.name() : username,
                post.iconEmoji() != null ? emoji("icon_emoji", post.iconEmoji()) : hook.iconEmoji(),
                post.iconUrl() != null ? url("icon_url", post.iconUrl()) : hook.iconUrl());
        Mentions mentions = post.linkNames() ? null
                : new Mentions(List.copyOf(post.explicitHandles()), post.explicitChannel(), post.explicitHere());
        return messages.postAsIntegration(hook.id(), hook.ownerId(), target.id(), text, mentions, replyTo(post.threadTs()), bot);
    }

    /** The webhook's own channel, or the one the post names, as its owner sees it now. */
    private Chat target(Webhook hook, String channel) {
        if (channel == null || channel.isBlank()) return chatService.requireReadable(hook.ownerId(), hook.chatId());
        String c = channel.strip();
        Optional<Chat> found = parseUuid(c).flatMap(chats::byId).filter(x -> x.workspaceId().equals(hook.workspaceId()));
        if (found.isEmpty()) found = chats.byName(hook.workspaceId(), c.startsWith("#") ? c.substring(1) : c);
        Chat chat = found.filter(x -> x.kind().isChannel() && chatService.canRead(hook.ownerId(), x))
                .orElseThrow(() -> ParleyException.notFound("channel_not_found"));
        return chat;
    }

    private Webhook managed(Principal caller, UUID hookId) {
        Webhook hook = hooks.byId(hookId).orElseThrow(() -> ParleyException.notFound("no such webhook"));
        Optional<Membership> m = workspaces.membership(hook.workspaceId(), caller.userId());
        if (m.isEmpty()) throw ParleyException.notFound("no such webhook");
        if (!m.get().role().may(Permission.MANAGE_INTEGRATIONS)) throw ParleyException.forbidden("only admins manage webhooks");
        return hook;
    }

    private void requireManager(UUID userId, UUID workspaceId) {
        Membership m = workspaces.membership(workspaceId, userId).orElseThrow(() -> ParleyException.notFound("no such workspace"));
        if (!m.role().may(Permission.MANAGE_INTEGRATIONS)) throw ParleyException.forbidden("only admins manage webhooks");
    }

    private static UUID replyTo(String threadTs) {
        return threadTs == null ? null : parseUuid(threadTs.strip()).orElse(null);
    }

    private static Optional<UUID> parseUuid(String s) {
        return Optional.ofNullable(UuidText.parse(s));
    }

    /**
     * {@return a post's display-name override, cleaned rather than refused so that an integration's configuration does
     * not break: hidden characters dropped (see {@link Input}), cut to MAX_NAME; "" when nothing is left}
     */
    private static String botName(String raw) {
        if (raw == null) return "";
        return Input.withoutHidden(clip(Input.withoutHidden(raw).strip())).strip(); // a cut may leave a ZWJ joining nothing
    }

    /** {@return the name cut to MAX_NAME characters, never between the two halves of a surrogate pair} */
    private static String clip(String name) {
        if (name.length() <= MAX_NAME) return name;
        return name.substring(0, Character.isHighSurrogate(name.charAt(MAX_NAME - 1)) ? MAX_NAME - 1 : MAX_NAME);
    }

    private static String emoji(String field, String v) {
        if (v == null || v.isBlank()) return null;
        String e = v.strip();
        if (!EMOJI.matcher(e).matches()) throw ParleyException.invalid(field + " must be an emoji :shortcode:");
        return e;
    }

    private static String url(String field, String v) {
        if (v == null || v.isBlank()) return null;
        String u = v.strip();
        if (u.length() > MAX_URL || !(u.startsWith("https://") || u.startsWith("http://")) || u.chars().anyMatch(ch -> ch <= ' ')) {
            throw ParleyException.invalid(field + " must be an http(s) URL");
        }
        return u;
    }
}
