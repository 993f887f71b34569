package io.parley.server.api;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import io.parley.server.app.Services;
import io.parley.server.http.HttpRequest;
import io.parley.server.http.HttpResponse;
import io.parley.server.http.Json;
import io.parley.server.wire.ChatView;
import io.parley.server.wire.MessageView;
import io.parley.server.wire.PresenceView;
import io.parley.server.wire.UserView;
import io.parley.server.wire.WorkspaceView;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The OpenAPI document and the code cannot drift: same routes, same parameters, same field names. */
class OpenApiTest {
    private static final Set<String> METHODS = Set.of("get", "post", "put", "patch", "delete");
    private final JsonNode doc = read();
    private final List<Endpoint> endpoints = new RestApi(new Services(null, null, null, null, null, null, null, null)).endpoints();

    private static JsonNode read() {
        try {
            return Json.MAPPER.readTree(OpenApi.load());
        } catch (java.io.IOException e) {
            throw new AssertionError("openapi.json is not JSON", e);
        }
    }

    @Test
    void documentNamesExactlyTheRegisteredRoutes() {
        Set<String> registered = endpoints.stream().map(e -> e.method() + " " + e.pattern())
                .collect(Collectors.toCollection(TreeSet::new));
        Set<String> documented = new TreeSet<>();
        doc.get("paths").properties().forEach(p -> p.getValue().properties().forEach(m -> {
            if (METHODS.contains(m.getKey())) documented.add(m.getKey().toUpperCase(java.util.Locale.ROOT) + " " + p.getKey());
        }));
        assertEquals(registered.size(), endpoints.size(), "a route is registered twice");
        Set<String> missing = new TreeSet<>(registered);
        missing.removeAll(documented);
        Set<String> extra = new TreeSet<>(documented);
        extra.removeAll(registered);
        assertAll(
                () -> assertTrue(missing.isEmpty(), "routes missing from openapi.json: " + missing),
                () -> assertTrue(extra.isEmpty(), "openapi.json documents routes that do not exist: " + extra));
    }

    @Test
    void everyPathParameterIsDeclared() {
        Pattern param = Pattern.compile("\\{(\\w+)}");
        List<String> problems = new ArrayList<>();
        doc.get("paths").properties().forEach(p -> p.getValue().properties().forEach(m -> {
            Set<String> declared = new TreeSet<>();
            for (JsonNode ref : m.getValue().path("parameters")) {
                JsonNode prm = resolve(ref);
                if ("path".equals(prm.path("in").asText())) declared.add(prm.get("name").asText());
            }
            Set<String> inPath = new TreeSet<>();
            Matcher mm = param.matcher(p.getKey());
            while (mm.find()) inPath.add(mm.group(1));
            if (!declared.equals(inPath)) problems.add(m.getKey() + " " + p.getKey() + " declares " + declared);
        }));
        assertTrue(problems.isEmpty(), problems.toString());
    }

    @Test
    void everyReferenceResolves() {
        List<String> broken = new ArrayList<>();
        walk(doc, node -> {
            JsonNode ref = node.get("$ref");
            if (ref != null && resolve(node).isMissingNode()) broken.add(ref.asText());
        });
        assertTrue(broken.isEmpty(), "unresolved: " + broken);
    }

    @Test
    void schemasMatchTheRecordsFieldForField() {
        Map<String, Class<?>> requests = Map.ofEntries(
                Map.entry("SetupRequest", Requests.Setup.class), Map.entry("RegisterRequest", Requests.Register.class),
                Map.entry("LoginRequest", Requests.Login.class), Map.entry("RefreshRequest", Requests.Refresh.class),
                Map.entry("PasswordRequest", Requests.ChangePassword.class), Map.entry("ProfileRequest", Requests.Profile.class),
                Map.entry("CreateWorkspaceRequest", Requests.CreateWorkspace.class), Map.entry("JoinRequest", Requests.JoinWorkspace.class),
                Map.entry("CreateInviteRequest", Requests.CreateInvite.class), Map.entry("SettingsRequest", Requests.Settings.class),
                Map.entry("RoleRequest", Requests.SetRole.class), Map.entry("CreateChannelRequest", Requests.CreateChannel.class),
                Map.entry("UpdateChatRequest", Requests.UpdateChat.class), Map.entry("UserIdsRequest", Requests.UserIds.class),
                Map.entry("PostMessageRequest", Requests.PostMessage.class), Map.entry("EditMessageRequest", Requests.EditMessage.class),
                Map.entry("ReactionRequest", Requests.React.class), Map.entry("ReadRequest", Requests.MarkRead.class),
                Map.entry("PushSubscriptionRequest", PushRoutes.Subscribe.class), Map.entry("PushKeys", PushRoutes.Keys.class),
                Map.entry("CreateWebhookRequest", WebhookRoutes.CreateWebhook.class));
        Map<String, Class<?>> replies = Map.ofEntries(
                Map.entry("User", UserView.class), Map.entry("Workspace", WorkspaceView.class), Map.entry("Chat", ChatView.class),
                Map.entry("Message", MessageView.class), Map.entry("Mentions", MessageView.MentionsView.class),
                Map.entry("Reaction", MessageView.ReactionView.class), Map.entry("Member", Replies.Member.class),
                Map.entry("Invite", Replies.InviteView.class), Map.entry("Session", Replies.Session.class),
                Map.entry("SetupState", Replies.SetupState.class), Map.entry("UserReply", Replies.OneUser.class),
                Map.entry("UsersReply", Replies.Users.class), Map.entry("WorkspaceReply", Replies.OneWorkspace.class),
                Map.entry("WorkspacesReply", Replies.Workspaces.class), Map.entry("MembersReply", Replies.Members.class),
                Map.entry("InviteReply", Replies.OneInvite.class), Map.entry("InvitesReply", Replies.Invites.class),
                Map.entry("ChatReply", Replies.OneChat.class), Map.entry("ChatsReply", Replies.Chats.class),
                Map.entry("MessageReply", Replies.OneMessage.class), Map.entry("MessagesReply", Replies.Messages.class),
                Map.entry("ThreadReply", Replies.Thread.class), Map.entry("ReadReply", Replies.ReadMark.class),
                Map.entry("SearchReply", io.parley.server.wire.SearchResultsView.class),
                Map.entry("SearchResult", io.parley.server.wire.SearchResultsView.Result.class),
                Map.entry("PushSubscription", PushRoutes.SubscriptionView.class),
                Map.entry("PushSubscriptionReply", PushRoutes.OneSubscription.class),
                Map.entry("PushSubscriptionsReply", PushRoutes.Subscriptions.class), Map.entry("VapidKeyReply", PushRoutes.VapidKey.class),
                Map.entry("Presence", PresenceView.class), Map.entry("PresenceReply", Replies.OnePresence.class),
                Map.entry("Attachment", io.parley.server.wire.AttachmentView.class),
                Map.entry("Size", io.parley.server.wire.AttachmentView.Size.class),
                Map.entry("Bot", io.parley.server.wire.BotView.class), Map.entry("File", io.parley.server.wire.FileView.class),
                Map.entry("FileReply", Replies.OneFile.class),
                Map.entry("Webhook", WebhookRoutes.WebhookView.class), Map.entry("WebhookReply", WebhookRoutes.OneWebhook.class),
                Map.entry("WebhooksReply", WebhookRoutes.Webhooks.class),
                Map.entry("NotificationPreferencesReply", NotificationRoutes.GlobalReply.class),
                Map.entry("ChatNotificationPreferencesReply", NotificationRoutes.ChatReply.class),
                Map.entry("UnreadChat", NotificationRoutes.UnreadChat.class), Map.entry("UnreadReply", NotificationRoutes.UnreadReply.class));
        requests = new java.util.HashMap<>(requests);
        requests.put("NotificationPreferences", NotificationRoutes.Global.class);
        requests.put("DndSchedule", NotificationRoutes.Schedule.class);
        requests.put("ChatNotificationPreferences", NotificationRoutes.ChatPrefs.class);
        requests.put("PodInvitationRequest", PodAdminRoutes.CreateInvitation.class);
        requests.put("PodAcceptRequest", PodAdminRoutes.AcceptInvitation.class);
        requests.put("PodScoreOverrideRequest", PodAdminRoutes.ScoreOverride.class);
        replies = new java.util.HashMap<>(replies);
        replies.put("PodInvitationReply", PodAdminRoutes.InvitationReply.class);
        replies.put("PodPeerReply", PodAdminRoutes.PeerReply.class);
        replies.put("PodPeersReply", PodAdminRoutes.PeersReply.class);
        replies.put("PodPeer", io.parley.server.federation.link.Peering.PeerView.class);
        List<String> problems = new ArrayList<>();
        requests.forEach((schema, type) -> compare(schema, jsonNames(type, true), problems));
        replies.forEach((schema, type) -> compare(schema, jsonNames(type, false), problems));
        Set<String> covered = new TreeSet<>(requests.keySet());
        covered.addAll(replies.keySet());
        covered.add("Error");
        Set<String> unmapped = new TreeSet<>();
        doc.get("components").get("schemas").fieldNames().forEachRemaining(n -> { if (!covered.contains(n)) unmapped.add(n); });
        assertAll(
                () -> assertTrue(problems.isEmpty(), String.join("\n", problems)),
                () -> assertTrue(unmapped.isEmpty(), "schemas no record backs: " + unmapped));
    }

    @Test
    void securityAndErrorShapeAreDescribed() {
        JsonNode components = doc.get("components");
        JsonNode err = components.get("schemas").get("Error").get("properties").get("error").get("properties");
        assertAll(
                () -> assertEquals("3.0.3", doc.get("openapi").asText()),
                () -> assertEquals("bearer", components.get("securitySchemes").get("bearer").get("scheme").asText()),
                () -> assertTrue(err.has("code") && err.has("message") && err.has("retryAfter")),
                () -> {
                    Set<String> codes = new TreeSet<>();
                    components.get("schemas").get("Error").get("properties").get("error").get("properties").get("code")
                            .get("enum").forEach(c -> codes.add(c.asText()));
                    Set<String> wire = new TreeSet<>();
                    for (var c : io.parley.core.error.ErrorCode.values()) wire.add(c.wire());
                    assertEquals(wire, codes, "error codes in openapi.json vs ErrorCode");
                });
    }

    @Test
    void theDocumentIsServed() throws Exception {
        Endpoint e = endpoints.stream().filter(x -> x.pattern().equals(OpenApi.PATH)).findFirst().orElseThrow();
        HttpResponse r = e.handler().handle(new HttpRequest("GET", OpenApi.PATH, Map.of(), Map.of(), new byte[0], Map.of(), "127.0.0.1"));
        assertAll(
                () -> assertEquals(200, r.status()),
                () -> assertEquals("application/json", r.contentType()),
                () -> assertArrayEquals(OpenApi.load(), r.body()));
        assertFalse(doc.get("paths").get(OpenApi.PATH).get("get").get("security").elements().hasNext(), "the document is public");
    }

    // ---- helpers ------------------------------------------------------------------------------

    private void compare(String schema, Set<String> recordFields, List<String> problems) {
        JsonNode s = doc.get("components").get("schemas").get(schema);
        if (s == null) {
            problems.add("schema " + schema + " is missing");
            return;
        }
        Set<String> documented = new TreeSet<>();
        s.get("properties").fieldNames().forEachRemaining(documented::add);
        if (!documented.equals(recordFields)) problems.add(schema + ": document " + documented + " vs code " + recordFields);
    }

    private static Set<String> jsonNames(Class<?> type, boolean forInput) {
        JavaType t = Json.MAPPER.constructType(type);
        var description = forInput
                ? Json.MAPPER.getDeserializationConfig().introspect(t)
                : Json.MAPPER.getSerializationConfig().introspect(t);
        Set<String> names = new TreeSet<>();
        for (BeanPropertyDefinition p : description.findProperties()) names.add(p.getName());
        return names;
    }

    private JsonNode resolve(JsonNode node) {
        JsonNode ref = node.get("$ref");
        if (ref == null) return node;
        JsonNode target = doc;
        for (String part : ref.asText().substring(2).split("/")) target = target.path(part);
        return target;
    }

    private static void walk(JsonNode node, java.util.function.Consumer<JsonNode> visit) {
        visit.accept(node);
        for (Iterator<JsonNode> it = node.elements(); it.hasNext(); ) walk(it.next(), visit);
    }
}
