package dev.tocsin.channel.sms;

import com.twilio.exception.ApiConnectionException;
import com.twilio.exception.ApiException;
import com.twilio.http.TwilioRestClient;
import com.twilio.rest.api.v2010.account.Message;
import com.twilio.rest.api.v2010.account.MessageCreator;
import com.twilio.type.PhoneNumber;
import dev.tocsin.delivery.SendResult;
import dev.tocsin.delivery.SendWatch;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Sends through Twilio Programmable Messaging with the Twilio Java SDK, from a Messaging Service (or a
 * number), asking Twilio to report delivery to our status callback.
 */
public class TwilioSmsGateway implements SmsGateway {

    /** Twilio codes that mean this number can never receive our SMS: invalid, not mobile, unsubscribed (STOP). */
    static final Set<Integer> UNREACHABLE = Set.of(21211, 21214, 21217, 21401, 21407, 21408, 21421, 21612, 21614);
    static final int UNSUBSCRIBED = 21610;
    static final int TOO_MANY_REQUESTS = 20429;

    private final TwilioRestClient client;
    private final String messagingServiceSid;
    private final String from;
    private final URI statusCallback;

    public TwilioSmsGateway(String accountSid, String authToken, String messagingServiceSid, String from,
                            String statusCallback, String apiBaseUrl, int connections) {
        this.client = new TwilioRestClient.Builder(accountSid, authToken)
                .httpClient(new TwilioBaseUrlClient(apiBaseUrl, connections)).build();
        this.messagingServiceSid = messagingServiceSid == null || messagingServiceSid.isBlank() ? null : messagingServiceSid;
        this.from = from;
        this.statusCallback = statusCallback == null || statusCallback.isBlank() ? null : URI.create(statusCallback);
        if (this.messagingServiceSid == null && (from == null || from.isBlank())) {
            throw new IllegalStateException("Twilio needs TOCSIN_TWILIO_MESSAGING_SERVICE_SID or TOCSIN_TWILIO_FROM");
        }
    }

    @Override
    public String describe() {
        return "Twilio (" + (messagingServiceSid != null ? "messaging service" : "from number") + ")";
    }

    @Override
    public List<SendResult> send(List<OutgoingSms> messages, SendWatch watch) {
        return SendWatch.oneByOne(messages, OutgoingSms::deliveryId, this::sendOne, watch);
    }

    private SendResult sendOne(OutgoingSms sms) {
        long id = sms.deliveryId();
        try {
            MessageCreator creator = messagingServiceSid != null
                    ? Message.creator(new PhoneNumber(sms.to()), messagingServiceSid, sms.text())
                    : Message.creator(new PhoneNumber(sms.to()), new PhoneNumber(from), sms.text());
            if (statusCallback != null) {
                creator.setStatusCallback(statusCallback);
            }
            Message message = creator.create(client);
            return SendResult.sent(id, message.getSid(), "Twilio accepted: " + message.getStatus())
                    .withContent(sms.text().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        } catch (ApiException e) {
            return classify(id, e);
        } catch (ApiConnectionException e) {
            return SendResult.retry(id, "Twilio could not be reached: " + e.getMessage());
        } catch (RuntimeException e) {
            return SendResult.retry(id, "Twilio call failed: " + e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    static SendResult classify(long id, ApiException e) {
        Integer code = e.getCode();
        Integer http = e.getStatusCode();
        String response = "Twilio " + (code != null ? code : "HTTP " + http) + ": " + e.getMessage();
        if (code != null && code == UNSUBSCRIBED) {
            return SendResult.undeliverable(id, response, true);
        }
        if (code != null && UNREACHABLE.contains(code)) {
            return SendResult.undeliverable(id, response, false);
        }
        if ((code != null && code == TOO_MANY_REQUESTS) || (http != null && (http == 429 || http >= 500))) {
            return SendResult.retry(id, response);
        }
        return SendResult.fail(id, response);
    }
}
