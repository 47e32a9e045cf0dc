package dev.tocsin.audience;

import java.util.ArrayList;
import java.util.List;

/**
 * Which affected accounts a campaign addresses. An empty list means no restriction.
 * Turned into one SQL condition so audience counts and launch select exactly the same rows.
 */
public record Segment(List<String> exposedAny, List<String> exposedAll, List<String> countries, List<String> locales) {

    public Segment {
        exposedAny = exposedAny == null ? List.of() : List.copyOf(exposedAny);
        exposedAll = exposedAll == null ? List.of() : List.copyOf(exposedAll);
        countries = countries == null ? List.of() : List.copyOf(countries);
        locales = locales == null ? List.of() : List.copyOf(locales);
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
        return new Sql(where.toString(), params);
    }
}
