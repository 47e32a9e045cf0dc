package dev.tocsin.channel.push;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tocsin.channel.NoticeDataFactory;
import dev.tocsin.channel.RenderAndSend;
import dev.tocsin.common.Channel;
import dev.tocsin.delivery.ChannelSender;
import dev.tocsin.delivery.ClaimedDelivery;
import dev.tocsin.delivery.SendResult;
import dev.tocsin.delivery.SendWatch;
import dev.tocsin.template.NoticeTemplates;
import dev.tocsin.template.RenderedPush;
import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Renders each claimed push delivery in the recipient's language and sends it to the subscription named in
 * its address. A subscription deleted since launch (expired elsewhere) settles the delivery as undeliverable.
 */
@ApplicationScoped
public class PushDeliveryHandler implements ChannelSender {

    @Override
    public Channel channel() {
        return Channel.PUSH;
    }

    @Override
    public String provider() {
        return "push";
    }

    @Override
    public String describe() {
        return gateway.describe();
    }

    /** aes128gcm in one 4096-byte record: 86 bytes of header, 16 of tag, 1 of padding delimiter. */
    static final int MAX_PAYLOAD = 4096 - 86 - 16 - 1;

    @Inject
    NoticeTemplates templates;

    @Inject
    NoticeDataFactory notices;

    @Inject
    PushGateway gateway;

    @Inject
    AgroalDataSource dataSource;

    @Inject
    ObjectMapper json;

    @Inject
    MeterRegistry metrics;

    private record Keys(String endpoint, String p256dh, String auth) {
    }

    @Override
    public List<SendResult> send(List<ClaimedDelivery> deliveries, SendWatch watch) {
        Map<Long, Keys> subscriptions = subscriptions(deliveries);
        List<SendResult> gone = new ArrayList<>();
        List<ClaimedDelivery> sendable = new ArrayList<>(deliveries.size());
        for (ClaimedDelivery d : deliveries) {
            if (subscriptions.containsKey(Long.parseLong(d.address()))) {
                sendable.add(d);
            } else {
                gone.add(SendResult.undeliverable(d.id(), "push subscription " + d.address()
                        + " was removed after launch (expired or unsubscribed)", false));
            }
        }
        List<SendResult> results = new ArrayList<>(gone);
        results.addAll(RenderAndSend.run(Channel.PUSH, sendable, templates, (d, set) -> {
            long subscriptionId = Long.parseLong(d.address());
            Keys keys = subscriptions.get(subscriptionId);
            return new OutgoingPush(d.id(), d.campaignId(), subscriptionId, keys.endpoint(), keys.p256dh(), keys.auth(),
                    payload(templates.renderPush(set, notices.forDelivery(d, set))));
        }, messages -> gateway.send(messages, watch), watch, metrics));
        return results;
    }

    /** What the service worker receives (JSON, encrypted for the browser): title, body, advisory link, reference. */
    private byte[] payload(RenderedPush push) {
        try {
            byte[] bytes = json.writeValueAsBytes(push);
            if (bytes.length > MAX_PAYLOAD) {
                throw new IllegalStateException("push notice is " + bytes.length + " bytes; push services take at most "
                        + MAX_PAYLOAD);
            }
            return bytes;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private Map<Long, Keys> subscriptions(List<ClaimedDelivery> deliveries) {
        Map<Long, Keys> found = new HashMap<>();
        if (deliveries.isEmpty()) {
            return found;
        }
        String placeholders = String.join(",", java.util.Collections.nCopies(deliveries.size(), "?"));
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT id, endpoint, p256dh, auth FROM push_subscription WHERE id IN ("
                     + placeholders + ")")) {
            for (int i = 0; i < deliveries.size(); i++) {
                ps.setLong(i + 1, Long.parseLong(deliveries.get(i).address()));
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    found.put(rs.getLong(1), new Keys(rs.getString(2), rs.getString(3), rs.getString(4)));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read push subscriptions", e);
        }
        return found;
    }
}
