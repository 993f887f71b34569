package io.parley.server.api;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.parley.core.error.ErrorCode;
import io.parley.core.error.ParleyException;
import io.parley.server.FuzzText;
import io.parley.server.http.HttpRequest;
import io.parley.server.http.Json;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fuzzes the REST body decoder ({@link ApiSupport#body}) with every request record a handler reads, and the
 * conversion a handler applies right after where there is one (notification preferences).
 *
 * <p>Input: byte 0 picks the record type ({@link #BODIES}, modulo its size), byte 1 the Content-Type ({@link #TYPES}),
 * the rest is the body.
 *
 * <p>Property: the decoder gives a record, or a {@link ParleyException} whose code is {@code invalid_request} or
 * {@code malformed} — never another exception, which the HTTP edge would answer with 500. Its message names a
 * field, never quotes the body beyond a short clip. Round trip: a record written out again with {@link Json#MAPPER}
 * decodes to an equal record.
 *
 * <p>Kept seeds: {@code RequestBodyFuzzTestInputs/decode/} (a valid body of each type, and every finding).
 */
class RequestBodyFuzzTest {
    /** A request record and what its handler does with it before calling a service. */
    private record Body<T>(Class<T> type, Consumer<T> then) {
        static <T> Body<T> of(Class<T> type) { return new Body<>(type, b -> { }); }

        void check(T value) { then.accept(value); }
    }

    /** Every record a REST handler decodes with {@link ApiSupport#body}; append new ones (the seeds name them by index). */
    static final List<Body<?>> BODIES = List.of(
            Body.of(Requests.Setup.class), Body.of(Requests.Register.class), Body.of(Requests.Login.class),
            Body.of(Requests.Refresh.class), Body.of(Requests.ChangePassword.class), Body.of(Requests.Profile.class),
            Body.of(Requests.CreateWorkspace.class), Body.of(Requests.JoinWorkspace.class), Body.of(Requests.CreateInvite.class),
            Body.of(Requests.Settings.class), Body.of(Requests.SetRole.class), Body.of(Requests.CreateChannel.class),
            Body.of(Requests.UpdateChat.class), Body.of(Requests.UserIds.class), Body.of(Requests.PostMessage.class),
            Body.of(Requests.EditMessage.class), Body.of(Requests.React.class), Body.of(Requests.MarkRead.class),
            new Body<>(NotificationRoutes.Global.class, NotificationRoutes.Global::toPrefs),
            new Body<>(NotificationRoutes.ChatPrefs.class, NotificationRoutes.ChatPrefs::toPrefs),
            Body.of(OrgRoutes.CreateOrg.class), Body.of(OrgRoutes.AddMember.class), Body.of(OrgRoutes.Share.class),
            Body.of(OrgRoutes.MapChannel.class), Body.of(PodAdminRoutes.CreateInvitation.class),
            Body.of(PodAdminRoutes.AcceptInvitation.class), Body.of(PodAdminRoutes.ScoreOverride.class),
            Body.of(PushRoutes.Subscribe.class), Body.of(ResilientRoutes.Configure.class), Body.of(ResilientRoutes.Restore.class),
            Body.of(WebhookRoutes.CreateWebhook.class));
    static final List<String> TYPES = List.of("application/json", "application/json; charset=utf-8",
            "Application/JSON;Charset=\"UTF8\"", "application/json; charset=latin1", "text/plain", "application/json;boundary");
    private static final Set<ErrorCode> DOCUMENTED = Set.of(ErrorCode.INVALID, ErrorCode.MALFORMED);
    private static final int MAX_MESSAGE = 200;

    @FuzzTest(maxDuration = "20s")
    @DictionaryEntries({"\"email\"", "\"handle\"", "\"displayName\"", "\"password\"", "\"workspaceName\"", "\"inviteCode\"",
            "\"refreshToken\"", "\"oldPassword\"", "\"newPassword\"", "\"name\"", "\"code\"", "\"role\"", "\"expiresInSeconds\"",
            "\"maxUses\"", "\"openSignup\"", "\"private\"", "\"topic\"", "\"purpose\"", "\"userIds\"", "\"content\"", "\"replyTo\"",
            "\"clientMsgId\"", "\"priority\"", "\"attachments\"", "\"emoji\"", "\"messageId\"", "\"seq\"", "\"desktop\"", "\"sound\"",
            "\"dndSchedule\"", "\"enabled\"", "\"start\"", "\"end\"", "\"timeZone\"", "\"dndUntil\"", "\"level\"", "\"muted\"",
            "\"pod\"", "\"orgId\"", "\"chatId\"", "\"workspaceId\"", "\"expiresIn\"", "\"invitation\"", "\"score\"", "\"endpoint\"",
            "\"expirationTime\"", "\"keys\"", "\"p256dh\"", "\"auth\"", "\"replicas\"", "\"replicationClass\"",
            "\"postingWhilePrimaryDown\"", "\"from\"", "\"iconEmoji\"", "\"iconUrl\"", "\"0190a3c4-0b2c-7d3e-8f40-5a6b7c8d9e0f\"",
            "\"08:00\"", "\"Europe/Berlin\"", "\"2026-11-23T08:00:00Z\"", "\"mentions_only\"", "\"admin\"", "null", "true", "1e400",
            "-0", "9223372036854775808"})
    void decode(byte[] input) throws Exception {
        if (input.length < 2) return;
        Body<?> body = BODIES.get(Byte.toUnsignedInt(input[0]) % BODIES.size());
        String contentType = TYPES.get(Byte.toUnsignedInt(input[1]) % TYPES.size());
        check(body, contentType, Arrays.copyOfRange(input, 2, input.length));
    }

    private static <T> void check(Body<T> body, String contentType, byte[] bytes) throws Exception {
        T value;
        try {
            value = ApiSupport.body(request(contentType, bytes), body.type());
            body.check(value);
        } catch (ParleyException e) {
            assertTrue(DOCUMENTED.contains(e.code()), () -> "undocumented code " + e.code() + " for " + body.type().getSimpleName());
            assertNotNull(e.getMessage());
            assertTrue(e.getMessage().length() <= MAX_MESSAGE, () -> "a message of " + e.getMessage().length() + " characters");
            return;
        }
        assertNotNull(value);
        if (FuzzText.hasLoneSurrogate(Json.MAPPER.readTree(bytes))) return; // refused as malformed by the input checks of issue 15 §1
        byte[] again = Json.MAPPER.writeValueAsBytes(value);
        assertEquals(value, ApiSupport.body(request("application/json", again), body.type()), "the same record after a round trip");
    }

    private static HttpRequest request(String contentType, byte[] body) {
        return new HttpRequest("POST", "/api/v1/fuzz", Map.of(), Map.of("content-type", contentType), body, Map.of(), "127.0.0.1");
    }
}
