package dev.tocsin.campaign;

import dev.tocsin.audience.AudienceQuery;
import dev.tocsin.common.Deadlines;
import dev.tocsin.delivery.DeliveryStats;
import dev.tocsin.incident.Incident;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;

/**
 * What the trust-and-safety team reads about a campaign: counts by status and channel, the breakdown by
 * channel, locale and country, the funnel from sent to acknowledged, the places where so many people were not
 * reached that a substitute notice is required, and the deadline clocks. Every figure is read from the
 * database, so every instance answers the same.
 */
@ApplicationScoped
public class CampaignStats {

    @Inject
    CampaignService campaigns;

    @Inject
    DeliveryStats stats;

    @Inject
    AudienceQuery audience;

    @Inject
    Deadlines deadlines;

    @Inject
    CampaignConfig config;

    /** People no channel reached in one place, and whether that many require a substitute notice there. */
    public record Unreached(String place, long count, int threshold, boolean substituteNoticeRequired) {
    }

    public record View(String status, long total, Map<String, Long> byStatus, Map<String, Map<String, Long>> byChannel,
                       long unreachable, List<DeliveryStats.Cell> breakdown, DeliveryStats.Funnel funnel,
                       List<Unreached> unreached, List<Deadlines.Deadline> deadlines) {
    }

    /** Everything: what GET /api/campaigns/{id}/stats answers. */
    public View of(String id) throws SQLException {
        return view(id, true);
    }

    /**
     * What the console's progress block shows (refreshed every 2 s by each viewer): the same without the
     * breakdown and the funnel (an empty list and null), each of which reads every row of the campaign, and,
     * while the campaign runs, without the people not reached by place (it looks up every person of the
     * audience: seconds at millions; it shows once the campaign is paused or finished).
     */
    public View summary(String id) throws SQLException {
        return view(id, false);
    }

    private View view(String id, boolean detailed) throws SQLException {
        record Loaded(Campaign campaign, Incident incident) {
        }
        Loaded loaded = QuarkusTransaction.requiringNew().call(() -> {
            Campaign c = campaigns.find(id);
            return new Loaded(c, Incident.findById(c.incidentId));
        });
        Campaign c = loaded.campaign();
        // Watchers of a running campaign share counts (made again less often the longer counting takes); the API and
        // a finished campaign count exactly.
        boolean running = c.status == CampaignStatus.RUNNING || c.status == CampaignStatus.PAUSED;
        DeliveryStats.Counts counts = !detailed && running ? stats.countShared(id, c.channelList()) : stats.count(id, c.channelList());
        boolean skipUnreached = !detailed && c.status == CampaignStatus.RUNNING;
        List<Unreached> unreached = skipUnreached ? List.of()
                : audience.unreachedByPlace(c.incidentId, c.segment(), id).entrySet().stream().map(e -> {
                    int threshold = threshold(e.getKey());
                    return new Unreached(e.getKey(), e.getValue(), threshold, e.getValue() >= threshold);
                }).toList();
        // Met when the campaign completed: its last reachable person's notice is out (taken as it completed).
        OffsetDateTime lastSent = c.status == CampaignStatus.COMPLETED ? c.lastNoticeSentAt : null;
        OffsetDateTime discovered = loaded.incident() == null ? null : loaded.incident().discoveredAt;
        return new View(c.status.name(), counts.total(), counts.byStatus(), counts.byChannel(),
                c.unreachable == null ? 0 : c.unreachable, detailed ? stats.breakdown(id) : List.of(),
                detailed ? stats.funnel(id) : null, unreached,
                deadlines.of(discovered, lastSent, OffsetDateTime.now()));
    }

    /** The place's own threshold, else its country's, else the default. */
    private int threshold(String place) {
        Map<String, Integer> perPlace = config.substituteNotice().thresholds();
        Integer own = perPlace.get(place);
        if (own == null && place.contains("-")) {
            own = perPlace.get(place.substring(0, place.indexOf('-')));
        }
        return own != null ? own : config.substituteNotice().threshold();
    }
}
