package dev.tocsin.audience;

import com.fasterxml.jackson.annotation.JsonIgnore;

import java.util.ArrayList;
import java.util.List;

/**
 * Which affected accounts a campaign addresses. An empty list means no restriction.
 * Turned into one SQL condition so audience counts and launch select exactly the same rows.
 */
public record Segment(List<String> exposedAny, List<String> exposedAll, List<String> countries, List<String> locales,
                      @JsonIgnore String followUpOf, @JsonIgnore String followUpAudience) {

    /** Who a follow-up goes to among the recipients of the campaign it follows up. */
    public static final List<String> FOLLOW_UP_AUDIENCES = List.of("all", "reached", "unacknowledged");

    public Segment {
        exposedAny = exposedAny == null ? List.of() : List.copyOf(exposedAny);
        exposedAll = exposedAll == null ? List.of() : List.copyOf(exposedAll);
        countries = countries == null ? List.of() : List.copyOf(countries);
        locales = locales == null ? List.of() : List.copyOf(locales);
        followUpAudience = followUpOf == null ? null : followUpAudience == null ? "all" : followUpAudience;
    }

    public Segment(List<String> exposedAny, List<String> exposedAll, List<String> countries, List<String> locales) {
        this(exposedAny, exposedAll, countries, locales, null, null);
    }

    /** The same accounts, narrowed to the recipients of an earlier campaign (all, reached, or unacknowledged). */
    public Segment followingUp(String campaignId, String audience) {
        return new Segment(exposedAny, exposedAll, countries, locales, campaignId, audience);
    }

    public static Segment everyone() {
        return new Segment(List.of(), List.of(), List.of(), List.of());
    }

    /** A WHERE fragment over exposure e and account a, and its parameters in order. */
    public record Sql(String where, List<Object> params) {
    }

    public Sql toSql() {
        StringBuilder where = new StringBuilder("1 = 1");
        List<Object> params = new ArrayList<>();
        if (!exposedAny.isEmpty()) {
            where.append(" AND (");
            for (int i = 0; i < exposedAny.size(); i++) {
                where.append(i == 0 ? "" : " OR ").append("e.categories LIKE ?");
                params.add("%;" + exposedAny.get(i) + ";%");
            }
            where.append(')');
        }
        for (String category : exposedAll) {
            where.append(" AND e.categories LIKE ?");
            params.add("%;" + category + ";%");
        }
        if (!countries.isEmpty()) {
            where.append(" AND a.country IN (").append("?,".repeat(countries.size() - 1)).append("?)");
            params.addAll(countries);
        }
        if (!locales.isEmpty()) {
            // "pt" takes in pt-BR and pt-PT; "pt-BR" only itself.
            where.append(" AND (");
            for (int i = 0; i < locales.size(); i++) {
                where.append(i == 0 ? "" : " OR ").append("(COALESCE(a.locale, 'en') = ? OR a.locale LIKE ?)");
                params.add(locales.get(i));
                params.add(locales.get(i) + "-%");
            }
            where.append(')');
        }
        if (followUpOf != null) {
            // a campaign's own deliveries (not support's resends) name its recipients
            where.append(" AND EXISTS (SELECT 1 FROM delivery f WHERE f.account_id = a.account_id AND f.campaign_id = ?"
                    + " AND f.resend_of IS NULL");
            params.add(followUpOf);
            where.append("reached".equals(followUpAudience) ? " AND f.status IN ('SENT', 'DELIVERED', 'COMPLAINED'))" : ")");
            if ("unacknowledged".equals(followUpAudience)) {
                where.append(" AND NOT EXISTS (SELECT 1 FROM delivery f JOIN notice_engagement g ON g.delivery_id = f.id"
                        + " WHERE f.account_id = a.account_id AND f.campaign_id = ? AND g.acknowledged_at IS NOT NULL)");
                params.add(followUpOf);
            }
        }
        return new Sql(where.toString(), params);
    }
}
