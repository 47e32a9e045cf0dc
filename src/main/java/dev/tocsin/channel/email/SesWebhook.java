package dev.tocsin.channel.email;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tocsin.common.ApiException;
import jakarta.annotation.security.PermitAll;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.io.IOException;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Amazon SES bounce, complaint and delivery notifications through an SNS topic subscribed to this URL. Public,
 * because SNS cannot sign in; a message counts only when its SNS signature verifies ({@link SnsMessages}) and
 * its topic is one configured (if any are): otherwise 403 and nothing changes. A subscription confirmation is
 * confirmed by following its SubscribeURL (on an SNS host only).
 */
@Path("/webhooks/ses")
@Tag(name = "Provider webhooks")
@PermitAll
public class SesWebhook {

    @Inject
    SesConfig config;

    @Inject
    SnsMessages sns;

    @Inject
    EmailFeedback feedback;

    @Inject
    ObjectMapper json;

    public record Answer(String type, String result) {
    }

    @org.eclipse.microprofile.openapi.annotations.security.SecurityRequirementsSet
    @POST
    @Consumes({MediaType.TEXT_PLAIN, MediaType.APPLICATION_JSON})
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(operationId = "receiveSesNotification", summary = "Amazon SES notifications through SNS",
            description = "The SNS signature is verified with the certificate at SigningCertURL (an SNS host only). A"
                    + " permanent bounce ends the delivery as bounced, a complaint as complained, a delivery report as"
                    + " delivered, a transient bounce is recorded; the delivery is found by our Message-ID or bounce address.")
    public Answer receive(byte[] body) throws InterruptedException, SQLException {
        if (!config.enabled()) {
            throw new ApiException(404, "not_configured", "SES notifications are not enabled on this Tocsin (TOCSIN_SES_ENABLED).");
        }
        JsonNode m;
        try {
            m = json.readTree(body == null ? new byte[0] : body);
        } catch (IOException e) {
            throw ApiException.badRequest("invalid_json", "The body is not an SNS message (JSON).", List.of());
        }
        if (m == null || !m.isObject()) {
            throw ApiException.badRequest("invalid_request", "The body is not an SNS message (JSON object).", List.of());
        }
        if (!sns.verified(m)) {
            throw new ApiException(403, "bad_signature", "The SNS signature does not verify with a certificate from an SNS host.");
        }
        String topic = SnsMessages.text(m, "TopicArn");
        List<String> topics = config.topicArns().orElse(List.of());
        if (!topics.isEmpty() && (topic == null || !topics.contains(topic))) {
            throw new ApiException(403, "unknown_topic", "Topic " + topic + " is not one this Tocsin takes (TOCSIN_SES_TOPIC_ARNS).");
        }
        String type = String.valueOf(SnsMessages.text(m, "Type"));
        return switch (type) {
            case "SubscriptionConfirmation" -> new Answer(type, sns.confirm(SnsMessages.text(m, "SubscribeURL"))
                    ? "confirmed" : "not confirmed");
            case "Notification" -> new Answer(type, notification(SnsMessages.text(m, "Message"), SnsMessages.text(m, "MessageId")));
            default -> new Answer(type, "ignored");
        };
    }

    /** One SES event (notificationType, or eventType for configuration-set events). */
    private String notification(String message, String snsMessageId) throws SQLException {
        // SNS may deliver a notification more than once: its MessageId makes the second time change nothing
        String receipt = snsMessageId == null || snsMessageId.isBlank() ? null
                : "ses:" + (snsMessageId.length() > 90 ? snsMessageId.substring(0, 90) : snsMessageId);
        JsonNode event;
        try {
            event = message == null ? null : json.readTree(message);
        } catch (IOException e) {
            return "invalid: the message is not JSON";
        }
        if (event == null || !event.isObject()) {
            return "invalid: the message is not a JSON object";
        }
        String kind = event.path("notificationType").asText(event.path("eventType").asText(""));
        JsonNode mail = event.path("mail");
        String messageId = mail.path("commonHeaders").path("messageId").asText(null);
        String source = mail.path("source").asText(null);
        EmailFeedback.Kind what;
        String detail;
        List<String> recipients = new ArrayList<>();
        switch (kind) {
            case "Bounce" -> {
                JsonNode bounce = event.path("bounce");
                what = "Permanent".equals(bounce.path("bounceType").asText()) ? EmailFeedback.Kind.HARD_BOUNCE
                        : EmailFeedback.Kind.SOFT_BOUNCE;
                bounce.path("bouncedRecipients").forEach(r -> recipients.add(r.path("emailAddress").asText("")));
                detail = "SES " + bounce.path("bounceType").asText() + "/" + bounce.path("bounceSubType").asText() + ": "
                        + bounce.path("bouncedRecipients").path(0).path("diagnosticCode").asText("");
            }
            case "Complaint" -> {
                JsonNode complaint = event.path("complaint");
                what = EmailFeedback.Kind.COMPLAINT;
                complaint.path("complainedRecipients").forEach(r -> recipients.add(r.path("emailAddress").asText("")));
                detail = "SES complaint: " + complaint.path("complaintFeedbackType").asText("abuse");
            }
            case "Delivery" -> {
                what = EmailFeedback.Kind.DELIVERY;
                detail = "SES delivery: " + event.path("delivery").path("smtpResponse").asText("");
            }
            default -> {
                return "ignored: " + kind;
            }
        }
        detail = detail.length() > 900 ? detail.substring(0, 900) : detail;
        EmailFeedback.Result result = feedback.apply(what, messageId, source, detail, receipt);
        if (result == EmailFeedback.Result.UNKNOWN && (what == EmailFeedback.Kind.HARD_BOUNCE || what == EmailFeedback.Kind.COMPLAINT)) {
            for (String r : recipients.subList(0, Math.min(recipients.size(), 100))) {
                if (!r.isBlank() && r.length() <= 320) {
                    feedback.apply(what, null, r, detail, null);
                }
            }
            return recipients.isEmpty() ? "unknown" : "suppressed";
        }
        return result.name().toLowerCase(Locale.ROOT);
    }
}
