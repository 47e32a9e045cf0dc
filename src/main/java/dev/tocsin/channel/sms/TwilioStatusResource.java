package dev.tocsin.channel.sms;

import com.twilio.security.RequestValidator;
import dev.tocsin.common.ApiException;
import jakarta.annotation.security.PermitAll;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Twilio's status callback. Public, because Twilio cannot sign in, but every request must carry a valid
 * X-Twilio-Signature (HMAC of our callback URL and the posted fields under our auth token).
 */
@Path("/webhooks/twilio/status")
@Tag(name = "Provider webhooks")
@PermitAll
public class TwilioStatusResource {

    @Inject
    TwilioConfig twilio;

    @Inject
    TwilioStatuses statuses;

    // Public: no sign-in (the document says so with an empty security requirement)
    @org.eclipse.microprofile.openapi.annotations.security.SecurityRequirementsSet
    @POST
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Operation(operationId = "receiveTwilioStatus", summary = "Twilio message status callback", description = "Checked with X-Twilio-Signature; moves a sent SMS to delivered or undeliverable.")
    public Response status(@HeaderParam("X-Twilio-Signature") String signature, String body) throws SQLException {
        if (twilio.authToken().filter(t -> !t.isBlank()).isEmpty() || twilio.statusCallbackUrl().filter(u -> !u.isBlank()).isEmpty()) {
            throw new ApiException(404, "not_configured", "Twilio is not configured on this Tocsin.");
        }
        Map<String, String> params = form(body == null ? "" : body);
        if (signature == null || !new RequestValidator(twilio.authToken().get()).validate(twilio.statusCallbackUrl().get(), params, signature)) {
            throw new ApiException(403, "bad_signature", "X-Twilio-Signature does not match this request.");
        }
        if (params.get("MessageSid") == null) {
            throw ApiException.badRequest("invalid_callback", "MessageSid is missing.", java.util.List.of());
        }
        statuses.apply(params.get("MessageSid"), params.getOrDefault("MessageStatus", ""), params.get("ErrorCode"));
        return Response.noContent().build();
    }

    /**
     * The posted form, read here rather than by the framework: a malformed escape such as {@code %ZZ} is the
     * caller's mistake (400), not ours (500). The first value of a repeated field counts, as Twilio's validator
     * expects.
     */
    static Map<String, String> form(String body) {
        Map<String, String> params = new HashMap<>();
        if (body.isEmpty()) {
            return params;
        }
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            String key = eq < 0 ? pair : pair.substring(0, eq);
            String value = eq < 0 ? "" : pair.substring(eq + 1);
            try {
                params.putIfAbsent(URLDecoder.decode(key, StandardCharsets.UTF_8), URLDecoder.decode(value, StandardCharsets.UTF_8));
            } catch (IllegalArgumentException e) {
                throw ApiException.badRequest("invalid_callback", "The body is not a valid form"
                        + " (application/x-www-form-urlencoded): a '%' must be followed by two hexadecimal digits.",
                        java.util.List.of());
            }
        }
        return params;
    }
}
