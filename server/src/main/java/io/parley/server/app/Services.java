package io.parley.server.app;

import io.parley.core.auth.AuthService;
import io.parley.core.chat.ChatService;
import io.parley.core.chat.MessageService;
import io.parley.core.files.FileService;
import io.parley.core.webhook.WebhookService;
import io.parley.core.search.SearchService;
import io.parley.core.realtime.PresenceService;
import io.parley.core.workspace.WorkspaceService;

/** The domain services the edges (REST, WebSocket) call; built once by the app's wiring. */
public record Services(AuthService auth, WorkspaceService workspaces, ChatService chats, MessageService messages,
                       SearchService search, PresenceService presence, FileService files,
                       WebhookService webhooks) {}
