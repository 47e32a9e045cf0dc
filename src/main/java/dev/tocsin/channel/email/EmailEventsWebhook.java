package dev.tocsin.channel.email;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tocsin.common.ApiException;
import dev.tocsin.common.FieldError;
import jakarta.annotation.security.PermitAll;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * Bounces, complaints and delivery reports from an email relay that can call a URL (anything but SES, which
 * has its own signature scheme). Public, because a relay cannot sign in; every request carries
 * {@code X-Tocsin-Signature: sha256=<hex HMAC-SHA256 of the raw body under TOCSIN_EMAIL_WEBHOOK_SECRET>}, and a
 * request without it, or with a wrong one, changes nothing (403).
 *
 * Body: one event, or {"events": [...]} with at most 1,000: {"messageId": "<delivery-42@...>" (the Message-ID we
 * sent, as the relay reports it), "address": "who@example.com" (used alone only to suppress), "type": "bounce" |
 * "complaint" | "delivery" | "delayed" (the relay still tries), "bounceType": "hard" | "soft" (bounces: a soft one
 * is sent again while the campaign's attempts last), "reason": "550 5.1.1 user unknown", "id": the relay's own
 * event id (optional: an event with an id is applied once however often the relay sends it)}.
 */
@Path("/webhooks/email-events")
@Tag(name = "Provider webhooks")
@PermitAll
public class EmailEventsWebhook {

    static final int MAX_EVENTS = 1_000;

    @Inject
    EmailConfig config;

    @Inject
    EmailFeedback feedback;

    @Inject
    ObjectMapper json;

    public record Applied(int index, String result) {
    }

    public record Answer(int applied, List<Applied> events) {
    }

    @org.eclipse.microprofile.openapi.annotations.security.SecurityRequirementsSet
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(operationId = "receiveEmailEvents", summary = "Bounces, complaints and deliveries from an email relay",
            description = "Checked with X-Tocsin-Signature (sha256=HMAC-SHA256 of the body under the configured secret)."
                    + " A hard bounce ends the delivery as bounced and suppresses the address; a complaint, complained; a"
                    + " delivery report, delivered; a soft bounce sends it again while attempts last; a delayed report is recorded. An event with an id"
                    + " is applied once. Each event is answered: settled, retrying, noted, suppressed, ignored (already"
                    + " settled or already applied) or unknown.")
    public Answer receive(@HeaderParam("X-Tocsin-Signature") String signature, byte[] body) throws SQLException {
        String secret = config.email().webhookSecret().filter(s -> !s.isBlank()).orElseThrow(() ->
                new ApiException(404, "not_configured", "The email-events webhook is not configured on this Tocsin"
                        + " (TOCSIN_EMAIL_WEBHOOK_SECRET)."));
        byte[] raw = body == null ? new byte[0] : body;
        if (!signed(secret, raw, signature)) {
            throw new ApiException(403, "bad_signature", "X-Tocsin-Signature does not match this request's body.");
        }
        JsonNode root;
        try {
            root = json.readTree(raw);
        } catch (java.io.IOException e) {
            throw ApiException.badRequest("invalid_json", "The body is not JSON.", List.of());
        }
        List<JsonNode> events = new ArrayList<>();
        if (root != null && root.isObject() && root.has("events")) {
            if (!root.get("events").isArray()) {
                throw ApiException.badRequest("invalid_request", "events must be an array.", List.of(new FieldError("events", "not an array")));
            }
            root.get("events").forEach(events::add);
        } else if (root != null && root.isObject()) {
            events.add(root);
        } else {
            throw ApiException.badRequest("invalid_request", "The body must be one event object or {\"events\": [...]}.", List.of());
        }
        if (events.size() > MAX_EVENTS) {
            throw ApiException.badRequest("invalid_request", "At most " + MAX_EVENTS + " events per request.",
                    List.of(new FieldError("events", "more than " + MAX_EVENTS)));
        }
        List<Applied> applied = new ArrayList<>(events.size());
        int changed = 0;
        for (int i = 0; i < events.size(); i++) {
            String result = apply(events.get(i));
            if (!result.startsWith("invalid") && !result.equals("unknown") && !result.equals("ignored")) {
                changed++;
            }
            applied.add(new Applied(i, result));
        }
        return new Answer(changed, applied);
    }

    private String apply(JsonNode event) throws SQLException {
        if (!event.isObject()) {
            return "invalid: not an object";
        }
        String type = text(event, "type", 20);
        String messageId = text(event, "messageId", 1000);
        String address = text(event, "address", 320);
        String reason = text(event, "reason", 900);
        String bounceType = text(event, "bounceType", 10);
        String id = text(event, "id", 90);
        EmailFeedback.Kind kind;
        if ("bounce".equals(type)) {
            if (!"hard".equals(bounceType) && !"soft".equals(bounceType)) {
                return "invalid: bounceType must be hard or soft";
            }
            kind = "hard".equals(bounceType) ? EmailFeedback.Kind.HARD_BOUNCE : EmailFeedback.Kind.SOFT_BOUNCE;
        } else if ("complaint".equals(type)) {
            kind = EmailFeedback.Kind.COMPLAINT;
        } else if ("delivery".equals(type)) {
            kind = EmailFeedback.Kind.DELIVERY;
        } else if ("delayed".equals(type)) {
            kind = EmailFeedback.Kind.DELAYED;
        } else {
            return "invalid: type must be bounce, complaint, delivery or delayed";
        }
        if (messageId == null && address == null) {
            return "invalid: give messageId or address";
        }
        return feedback.apply(kind, messageId, address, reason == null ? "(no reason given)" : reason,
                        id == null ? null : "webhook:" + id).name()
                .toLowerCase(Locale.ROOT);
    }

    /** A string field, or null; anything longer than {@code max} is cut (it is a report, not a command). */
    private static String text(JsonNode event, String field, int max) {
        JsonNode node = event.get(field);
        if (node == null || !node.isTextual() || node.asText().isBlank()) {
            return null;
        }
        String value = node.asText().strip();
        return value.length() > max ? value.substring(0, max) : value;
    }

    /** Constant-time comparison of the HMAC the caller sent with ours. */
    static boolean signed(String secret, byte[] body, String header) {
        if (header == null || !header.startsWith("sha256=")) {
            return false;
        }
        byte[] given;
        try {
            given = HexFormat.of().parseHex(header.substring(7).strip().toLowerCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return false;
        }
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return MessageDigest.isEqual(mac.doFinal(body), given);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
