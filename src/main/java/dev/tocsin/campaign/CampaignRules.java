package dev.tocsin.campaign;

import dev.tocsin.audience.AudienceQuery;
import dev.tocsin.audience.ExposureCategory;
import dev.tocsin.audience.Segment;
import dev.tocsin.common.ApiException;
import dev.tocsin.common.Channel;
import dev.tocsin.common.FieldError;
import dev.tocsin.common.Ids;
import dev.tocsin.common.TimeWindow;
import dev.tocsin.delivery.DeliveryCompletion;
import dev.tocsin.delivery.DeliveryDispatcher;
import dev.tocsin.delivery.DeliveryHandOver;
import dev.tocsin.incident.Incident;
import dev.tocsin.template.NoticeTemplates;
import io.agroal.api.AgroalDataSource;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.IllformedLocaleException;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What a campaign request may ask for, checked field by field: the incident exists, the template set has the
 * channels' texts, channels and policy are known, the segment's lists are known values of sane length, the
 * schedule is in the coming year. Every problem is reported with its field.
 */
@ApplicationScoped
public class CampaignRules {

    private static final Set<String> POLICIES = Set.of("all", "first-available");
    private static final Set<String> COUNTRIES = Set.of(Locale.getISOCountries());

    @Inject
    NoticeTemplates templates;

    /** What a request asks for, once checked. */
    record Spec(List<String> channels, String policy, Segment segment, int maxAttempts) {
    }

    Spec check(CampaignRequest request) {
        List<FieldError> problems = new ArrayList<>();
        if (Incident.findById(request.incidentId()) == null) {
            problems.add(new FieldError("incidentId", "no incident with id '" + request.incidentId() + "'"));
        }
        var set = templates.find(request.templateSet());
        if (set.isEmpty()) {
            problems.add(new FieldError("templateSet", "no template set named '" + request.templateSet()
                    + "' in the template library (e.g. credential-exposure)"));
        } else {
            for (Channel channel : List.of(Channel.SMS, Channel.PUSH)) {
                List<String> missing = templates.localesWithout(set.get(), channel);
                if (request.channels().stream().anyMatch(channel.code()::equalsIgnoreCase) && !missing.isEmpty()) {
                    problems.add(new FieldError("templateSet", "template set '" + request.templateSet()
                            + "' has no " + channel.code() + " text for locale(s) " + missing));
                }
            }
        }
        List<String> channels = new ArrayList<>();
        for (String code : request.channels()) {
            var channel = Channel.fromCode(code);
            if (channel.isEmpty()) {
                problems.add(new FieldError("channels", "unknown channel '" + code + "' (email, sms, push)"));
            } else if (channels.contains(channel.get().code())) {
                problems.add(new FieldError("channels", "channel '" + code + "' is listed twice"));
            } else {
                channels.add(channel.get().code());
            }
        }
        String policy = request.channelPolicy() == null ? "all" : request.channelPolicy();
        if (!POLICIES.contains(policy)) {
            problems.add(new FieldError("channelPolicy", "must be 'all' or 'first-available'"));
        }
        if (request.scheduledAt() != null && !request.scheduledAt().isAfter(OffsetDateTime.now())) {
            problems.add(new FieldError("scheduledAt", "must be in the future (or null to launch by hand)"));
        } else if (request.scheduledAt() != null && request.scheduledAt().isAfter(OffsetDateTime.now().plus(TimeWindow.LATEST_AHEAD))) {
            problems.add(new FieldError("scheduledAt", "may be at most " + TimeWindow.LATEST_AHEAD.toDays()
                    + " days ahead: a breach notice is not news a year later"));
        }
        Segment segment = checkSegment(request.segment(), problems);
        if (request.followUpOf() != null && !request.followUpOf().isBlank()) {
            String audience = request.followUpAudience() == null ? "all" : request.followUpAudience();
            Campaign earlier = Campaign.findById(request.followUpOf().strip());
            if (earlier == null) {
                problems.add(new FieldError("followUpOf", "no campaign with id '" + request.followUpOf() + "'"));
            } else if (!earlier.incidentId.equals(request.incidentId())) {
                problems.add(new FieldError("followUpOf", "belongs to another incident: a follow-up updates a notice about the same incident"));
            } else if (earlier.launchedAt == null) {
                problems.add(new FieldError("followUpOf", "has not been launched: it has no recipients to update yet"));
            }
            if (!Segment.FOLLOW_UP_AUDIENCES.contains(audience)) {
                problems.add(new FieldError("followUpAudience", "must be one of " + Segment.FOLLOW_UP_AUDIENCES));
            }
            segment = segment.followingUp(request.followUpOf().strip(), audience);
        } else if (request.followUpAudience() != null) {
            problems.add(new FieldError("followUpAudience", "only for a follow-up (set followUpOf)"));
        }
        if (!problems.isEmpty()) {
            throw ApiException.badRequest("invalid_campaign", "The campaign cannot be saved: "
                    + problems.stream().map(p -> p.field() + " " + p.reason()).reduce((a, b) -> a + "; " + b).orElse("")
                    + ".", problems);
        }
        return new Spec(channels, policy, segment, request.maxAttempts() == null ? 5 : request.maxAttempts());
    }

    private static Segment checkSegment(CampaignRequest.SegmentRequest s, List<FieldError> problems) {
        if (s == null) {
            return Segment.everyone();
        }
        return new Segment(categories(s.exposedAny(), "segment.exposedAny", problems),
                categories(s.exposedAll(), "segment.exposedAll", problems),
                countries(s.countries(), problems), locales(s.locales(), problems));
    }

    /** A segment list longer than this is a mistake (there are fewer countries, categories and locales). */
    static final int MAX_SEGMENT_ENTRIES = 250;
    /** Locales a segment may name: what the segment's column holds (25 tags of up to 35 characters). */
    static final int MAX_SEGMENT_LOCALES = 25;

    private static boolean tooMany(List<String> values, int max, String field, List<FieldError> problems) {
        if (values != null && values.size() > max) {
            problems.add(new FieldError(field, "has " + values.size() + " entries; at most " + max));
            return true;
        }
        return false;
    }

    private static List<String> categories(List<String> codes, String field, List<FieldError> problems) {
        List<String> out = new ArrayList<>();
        if (tooMany(codes, MAX_SEGMENT_ENTRIES, field, problems)) {
            return out;
        }
        for (String code : codes == null ? List.<String>of() : codes) {
            ExposureCategory.fromCode(code == null ? "" : code).ifPresentOrElse(c -> {
                        if (!out.contains(c.code())) {
                            out.add(c.code());
                        }
                    },
                    () -> problems.add(new FieldError(field, "unknown data category '" + code + "' (known: "
                            + String.join(", ", ExposureCategory.codes()) + ")")));
        }
        return out;
    }

    private static List<String> countries(List<String> codes, List<FieldError> problems) {
        List<String> out = new ArrayList<>();
        if (tooMany(codes, MAX_SEGMENT_ENTRIES, "segment.countries", problems)) {
            return out;
        }
        for (String code : codes == null ? List.<String>of() : codes) {
            String upper = code == null ? "" : code.strip().toUpperCase(Locale.ROOT);
            if (COUNTRIES.contains(upper)) {
                if (!out.contains(upper)) {
                    out.add(upper); // listed twice is once
                }
            } else {
                problems.add(new FieldError("segment.countries", "'" + code + "' is not an ISO 3166 two-letter country code"));
            }
        }
        return out;
    }

    private static List<String> locales(List<String> tags, List<FieldError> problems) {
        List<String> out = new ArrayList<>();
        if (tooMany(tags, MAX_SEGMENT_LOCALES, "segment.locales", problems)) {
            return out;
        }
        for (String tag : tags == null ? List.<String>of() : tags) {
            try {
                Locale l = new Locale.Builder().setLanguageTag(tag == null ? "" : tag.strip()).build();
                if (l.getLanguage().isEmpty()) {
                    throw new IllformedLocaleException("empty");
                }
                String normal = l.toLanguageTag();
                if (normal.length() > 35) {
                    problems.add(new FieldError("segment.locales", "'" + tag + "' is longer than 35 characters"));
                } else if (!out.contains(normal)) {
                    out.add(normal);
                }
            } catch (IllformedLocaleException e) {
                problems.add(new FieldError("segment.locales", "'" + tag + "' is not a valid BCP 47 language tag"));
            }
        }
        return out;
    }
}
