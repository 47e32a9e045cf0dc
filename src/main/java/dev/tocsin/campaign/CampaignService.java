package dev.tocsin.campaign;

import dev.tocsin.audience.AudienceQuery;
import dev.tocsin.audience.ExposureCategory;
import dev.tocsin.audience.Segment;
import dev.tocsin.common.ApiException;
import dev.tocsin.common.Channel;
import dev.tocsin.common.FieldError;
import dev.tocsin.common.Ids;
import dev.tocsin.delivery.DeliveryDispatcher;
import dev.tocsin.delivery.DeliveryCompletion;
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

/** The campaign lifecycle: draft -> approved -> running -> paused/cancelled -> completed. */
@ApplicationScoped
public class CampaignService {

    private static final Logger LOG = Logger.getLogger(CampaignService.class);
    private static final Set<String> POLICIES = Set.of("all", "first-available");
    private static final Set<String> COUNTRIES = Set.of(Locale.getISOCountries());

    @Inject
    NoticeTemplates templates;

    @Inject
    AgroalDataSource dataSource;

    @Inject
    DeliveryHandOver handOver;

    @Inject
    CampaignLifecycle lifecycle;

    @Inject
    DeliveryCompletion completion;

    @Inject
    DeliveryDispatcher dispatcher;

    @Inject
    DeliveryCreation creation;

    @Inject
    AudienceQuery audienceQuery;

    @Inject
    dev.tocsin.channel.NoticeDataFactory notices;

    /** What a request asks for, once checked. */
    private record Spec(List<String> channels, String policy, Segment segment, int maxAttempts) {
    }

    private Spec check(CampaignRequest request) {
        List<FieldError> problems = new ArrayList<>();
        if (Incident.findById(request.incidentId()) == null) {
            problems.add(new FieldError("incidentId", "no incident with id '" + request.incidentId() + "'"));
        }
        var set = templates.find(request.templateSet());
        if (set.isEmpty()) {
            problems.add(new FieldError("templateSet", "no template set named '" + request.templateSet()
                    + "' in the template library (e.g. credential-exposure)"));
        } else {
            for (String channel : List.of("sms", "push")) {
                List<String> missing = templates.localesWithout(set.get(), channel);
                if (request.channels().stream().anyMatch(channel::equalsIgnoreCase) && !missing.isEmpty()) {
                    problems.add(new FieldError("templateSet", "template set '" + request.templateSet()
                            + "' has no " + channel + " text for locale(s) " + missing));
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
        } else if (request.scheduledAt() != null && request.scheduledAt().isAfter(OffsetDateTime.now().plus(MAX_SCHEDULE_AHEAD))) {
            problems.add(new FieldError("scheduledAt", "may be at most " + MAX_SCHEDULE_AHEAD.toDays()
                    + " days ahead: a breach notice is not news a year later"));
        }
        Segment segment = checkSegment(request.segment(), problems);
        if (!problems.isEmpty()) {
            throw ApiException.badRequest("invalid_campaign", "The campaign cannot be saved: "
                    + problems.stream().map(p -> p.field() + " " + p.reason()).reduce((a, b) -> a + "; " + b).orElse("")
                    + ".", problems);
        }
        return new Spec(channels, policy, segment, request.maxAttempts() == null ? 5 : request.maxAttempts());
    }

    private static void apply(Campaign c, CampaignRequest request, Spec spec) {
        c.name = request.name().strip();
        c.templateSet = request.templateSet();
        c.channels = String.join(",", spec.channels());
        c.channelPolicy = spec.policy();
        c.segment(spec.segment());
        c.maxAttempts = spec.maxAttempts();
        c.smsSegmentBudget = request.smsSegmentBudget();
        c.scheduledAt = request.scheduledAt();
        c.scheduleMissedAt = null;
    }

    public Campaign create(CampaignRequest request, String user) {
        Spec spec = check(request);
        Campaign c = new Campaign();
        c.id = Ids.newId();
        c.incidentId = request.incidentId();
        apply(c, request, spec);
        lifecycle.move(c, CampaignStatus.DRAFT);
        c.createdBy = user;
        c.lastEditedBy = user;
        c.createdAt = OffsetDateTime.now();
        c.updatedAt = c.createdAt;
        QuarkusTransaction.requiringNew().run(c::persist);
        return c;
    }

    /**
     * Changes a campaign that has not been launched. Any change withdraws an approval: what was approved
     * is no longer what would be sent, so a second person must approve again.
     */
    public Campaign edit(String id, CampaignRequest request, String user) {
        Spec spec = check(request);
        return QuarkusTransaction.requiringNew().call(() -> {
            Campaign c = find(id);
            if (c.status != CampaignStatus.DRAFT && c.status != CampaignStatus.APPROVED) {
                throw ApiException.conflict("wrong_state", "Campaign " + id + " is " + c.status
                        + "; only a DRAFT or APPROVED campaign can be edited.");
            }
            if (!c.incidentId.equals(request.incidentId())) {
                throw ApiException.badRequest("invalid_campaign", "A campaign cannot move to another incident; create a new one.",
                        List.of(new FieldError("incidentId", "differs from the campaign's incident")));
            }
            boolean withdrawn = c.status == CampaignStatus.APPROVED;
            apply(c, request, spec);
            lifecycle.move(c, CampaignStatus.DRAFT);
            c.approvedBy = null;
            c.approvedAt = null;
            c.approvalComment = withdrawn ? "approval withdrawn: edited by " + user + " after approval" : null;
            c.lastEditedBy = user;
            c.updatedAt = OffsetDateTime.now();
            return c;
        });
    }

    /** What an upload changed: the campaign's template version, and whether an approval was withdrawn. */
    public record TemplateUpload(String campaignId, String locale, String part, int templatesVersion, String status,
                                 boolean approvalWithdrawn) {
    }

    static final int MAX_TEMPLATE_CHARS = 100_000;

    /**
     * Keeps an operator's template part for one campaign (over its library set). Checked first (syntax with
     * line and column, the sandbox); only before launch; an approved campaign goes back to DRAFT, and the
     * uploader counts as its last editor, so someone else must approve what it now says.
     */
    public TemplateUpload putTemplate(String id, String localeTag, String part, String source, String user) {
        if (!NoticeTemplates.PARTS.contains(part)) {
            throw ApiException.badRequest("invalid_template", "Unknown template part '" + part + "'; one of "
                    + NoticeTemplates.PARTS + ".", List.of(new FieldError("part", "unknown")));
        }
        String tag;
        try {
            tag = new Locale.Builder().setLanguageTag(localeTag.strip()).build().toLanguageTag();
        } catch (IllformedLocaleException e) {
            throw ApiException.badRequest("invalid_template", "'" + localeTag + "' is not a BCP 47 language tag (e.g. fr, pt-BR).",
                    List.of(new FieldError("locale", "not a BCP 47 language tag")));
        }
        if (source == null || source.isBlank()) {
            throw ApiException.badRequest("invalid_template", "The template is empty.", List.of(new FieldError("body", "empty")));
        }
        if (source.length() > MAX_TEMPLATE_CHARS) {
            throw new ApiException(413, "template_too_large", "A template part may have at most " + MAX_TEMPLATE_CHARS
                    + " characters; this one has " + source.length() + ".");
        }
        List<NoticeTemplates.TemplateError> errors = templates.checkUpload(tag, part, source);
        if (!errors.isEmpty()) {
            NoticeTemplates.TemplateError first = errors.get(0);
            throw ApiException.badRequest("template_error", first.file() + " line " + first.line() + ", column "
                    + first.column() + ": " + first.message(), errors);
        }
        return QuarkusTransaction.requiringNew().call(() -> {
            Campaign c = find(id);
            if (c.status != CampaignStatus.DRAFT && c.status != CampaignStatus.APPROVED) {
                throw ApiException.conflict("wrong_state", "Campaign " + id + " is " + c.status
                        + "; its templates can change only before launch (DRAFT or APPROVED).");
            }
            try (Connection conn = dataSource.getConnection();
                 PreparedStatement ps = conn.prepareStatement("MERGE INTO campaign_template t USING (VALUES ("
                         + "CAST(? AS VARCHAR(36)), CAST(? AS VARCHAR(35)), CAST(? AS VARCHAR(40)))) AS s (campaign_id, locale, part)"
                         + " ON t.campaign_id = s.campaign_id AND t.locale = s.locale AND t.part = s.part"
                         + " WHEN MATCHED THEN UPDATE SET content = ?, updated_by = ?, updated_at = ?"
                         + " WHEN NOT MATCHED THEN INSERT (campaign_id, locale, part, content, updated_by, updated_at)"
                         + " VALUES (s.campaign_id, s.locale, s.part, ?, ?, ?)")) {
                OffsetDateTime now = OffsetDateTime.now();
                ps.setString(1, id);
                ps.setString(2, tag);
                ps.setString(3, part);
                ps.setString(4, source);
                ps.setString(5, user);
                ps.setObject(6, now);
                ps.setString(7, source);
                ps.setString(8, user);
                ps.setObject(9, now);
                ps.executeUpdate();
            }
            boolean withdrawn = c.status == CampaignStatus.APPROVED;
            c.templatesVersion = c.templatesVersion() + 1;
            if (withdrawn) {
                lifecycle.move(c, CampaignStatus.DRAFT);
                c.approvedBy = null;
                c.approvedAt = null;
                c.approvalComment = "approval withdrawn: template " + tag + "/" + part + " uploaded by " + user;
            }
            c.lastEditedBy = user;
            c.updatedAt = OffsetDateTime.now();
            return new TemplateUpload(id, tag, part, c.templatesVersion, c.status.name(), withdrawn);
        });
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
    static final java.time.Duration MAX_SCHEDULE_AHEAD = java.time.Duration.ofDays(366);

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

    public Campaign find(String id) {
        Campaign c = Campaign.findById(id);
        if (c == null) {
            throw ApiException.notFound("campaign", id);
        }
        return c;
    }

    public AudienceQuery.Audience audience(String id) throws SQLException {
        Campaign c = find(id);
        return audienceQuery.measure(c.incidentId, c.segment(), c.channelList());
    }

    /**
     * Why a campaign's notice could not go out as it stands: the required-content check of its template set
     * (every locale, every channel it uses, the SMS segment budget) and a locale its audience needs that the
     * set does not have (those recipients would get another language).
     */
    public List<dev.tocsin.template.ContentProblem> contentProblems(String id) throws SQLException {
        record Loaded(Campaign campaign, Incident incident) {
        }
        Loaded loaded = QuarkusTransaction.requiringNew().call(() -> {
            Campaign found = find(id);
            return new Loaded(found, Incident.findById(found.incidentId));
        });
        Campaign c = loaded.campaign();
        Incident incident = loaded.incident();
        var set = templates.forCampaign(c.id, c.templateSet, c.templatesVersion());
        if (set.isEmpty()) {
            return List.of(new dev.tocsin.template.ContentProblem("-", "-", "templateSet",
                    "template set '" + c.templateSet + "' is not in the library"));
        }
        var sample = notices.forPreview(null, "UTC", "Alex Example", incident,
                List.copyOf(dev.tocsin.audience.ExposureCategory.codes()), null, null);
        List<dev.tocsin.template.ContentProblem> problems = new ArrayList<>(
                templates.checkRequiredContent(set.get(), c.channelList(), c.smsSegmentBudget(), sample));
        audienceQuery.byLocale(c.incidentId, c.segment()).forEach((tag, count) -> {
            String resolved = set.get().resolveTag(tag);
            if (!Locale.forLanguageTag(resolved).getLanguage().equals(Locale.forLanguageTag(tag).getLanguage())) {
                problems.add(new dev.tocsin.template.ContentProblem(tag, "-", "locale", "the set has no '" + tag
                        + "' templates: " + count + " recipient(s) would get '" + resolved + "'"));
            }
        });
        return problems;
    }

    /**
     * Four eyes: the approver is neither the campaign's creator nor the last person who edited it. A campaign
     * whose notice misses required content cannot be approved.
     */
    public Campaign approve(String id, String comment, String user) {
        // Who may approve and in which state are checked first: they are cheap, and a refused caller learns why.
        QuarkusTransaction.requiringNew().run(() -> checkApprovable(find(id), user));
        List<dev.tocsin.template.ContentProblem> problems;
        try {
            problems = contentProblems(id);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        if (!problems.isEmpty()) {
            throw new ApiException(409, "required_content_missing", "Campaign " + id + " cannot be approved: its notice"
                    + " misses required content in " + problems.size() + " place(s): " + problems.stream().limit(5)
                    .map(Object::toString).reduce((a, b) -> a + "; " + b).orElse("")
                    + (problems.size() > 5 ? "; ..." : "") + ". Fix the templates or the campaign, then ask again.", problems);
        }
        return QuarkusTransaction.requiringNew().call(() -> {
            Campaign c = find(id);
            checkApprovable(c, user); // again: it may have been edited or approved meanwhile
            lifecycle.move(c, CampaignStatus.APPROVED);
            c.approvedBy = user;
            c.approvedAt = OffsetDateTime.now();
            c.approvalComment = comment;
            c.updatedAt = c.approvedAt;
            return c;
        });
    }

    private static void checkApprovable(Campaign c, String user) {
        if (c.status != CampaignStatus.DRAFT) {
            throw ApiException.conflict("wrong_state", "Campaign " + c.id + " is " + c.status
                    + "; only a DRAFT campaign can be approved.");
        }
        if (user.equals(c.createdBy) || user.equals(c.lastEditedBy)) {
            throw new ApiException(403, "four_eyes", "You " + (user.equals(c.createdBy) ? "created" : "last edited")
                    + " campaign " + c.id + ", so you cannot approve it: a second person with the approver role must.");
        }
    }

    /**
     * What an operator's launch does: an APPROVED campaign with a future scheduledAt becomes SCHEDULED and
     * starts by itself then; otherwise it starts now. A SCHEDULED campaign whose time was missed while
     * Tocsin was down starts when an operator launches it: that call is the confirmation.
     */
    @org.eclipse.microprofile.config.inject.ConfigProperty(name = "tocsin.launch.timeout", defaultValue = "PT30M")
    java.time.Duration launchTimeout;

    public Campaign launch(String id) {
        Campaign c = QuarkusTransaction.requiringNew().call(() -> find(id));
        if (c.status == CampaignStatus.APPROVED && c.scheduledAt != null && c.scheduledAt.isAfter(OffsetDateTime.now())) {
            transition(id, CampaignStatus.APPROVED, CampaignStatus.SCHEDULED, "schedule");
            LOG.infof("campaign %s scheduled to start at %s", id, c.scheduledAt);
            return QuarkusTransaction.requiringNew().call(() -> find(id));
        }
        if (c.status == CampaignStatus.SCHEDULED && c.scheduleMissedAt == null && c.scheduledAt.isAfter(OffsetDateTime.now())) {
            throw ApiException.conflict("already_scheduled", "Campaign " + id + " is scheduled to start at " + c.scheduledAt
                    + " and will start by itself then. To stop it, cancel it.");
        }
        return start(id, c.status == CampaignStatus.SCHEDULED ? CampaignStatus.SCHEDULED : CampaignStatus.APPROVED);
    }

    /**
     * Starts a campaign: the transaction that moves it to RUNNING also creates the first slice of its
     * deliveries (DeliveryCreation), so an empty audience is refused at once; the rest is created and handed
     * to the workers slice by slice after it commits. The conditional status change makes sure only one caller
     * (operator, scheduler, another replica) starts it.
     */
    Campaign start(String id, CampaignStatus from) {
        DeliveryCreation.Slice first = QuarkusTransaction.requiringNew().timeout((int) launchTimeout.toSeconds()).call(() -> {
            Campaign c = find(id);
            if (c.status == CampaignStatus.DRAFT) {
                throw ApiException.conflict("not_approved", "Campaign " + id
                        + " has not been approved. A second person must approve it (POST /api/campaigns/" + id
                        + "/approve) before it can be launched.");
            }
            if (c.status != from) {
                throw ApiException.conflict("wrong_state", "Campaign " + id + " is " + c.status
                        + "; only an APPROVED or SCHEDULED campaign can be launched.");
            }
            AudienceQuery.Counts audience = audienceQuery.count(c.incidentId, c.segment(), c.channelList());
            DeliveryCreation.Slice slice;
            try (Connection conn = dataSource.getConnection()) {
                if (!lifecycle.start(conn, id, from, audience.total(), audience.unreachable())) {
                    throw ApiException.conflict("wrong_state", "Campaign " + id + " was launched by someone else meanwhile.");
                }
                slice = creation.createFirstSlice(conn, c);
            }
            if (slice.ids().isEmpty()) {
                throw ApiException.conflict("empty_audience", "Campaign " + id + " has nobody to notify: its segment"
                        + " matches " + audience.total() + " accounts and none has an address on " + c.channelList()
                        + ". Upload accounts to the incident or widen the segment.");
            }
            return slice;
        });
        LOG.infof("campaign %s launched; %d deliveries created%s", id, first.ids().size(),
                first.last() ? "" : " so far, the rest follows slice by slice");
        creation.continueAfterLaunch(id, first);
        return QuarkusTransaction.requiringNew().call(() -> find(id));
    }

    public Campaign pause(String id) {
        transition(id, CampaignStatus.RUNNING, CampaignStatus.PAUSED, "pause");
        return QuarkusTransaction.requiringNew().call(() -> find(id));
    }

    public Campaign resume(String id) {
        transition(id, CampaignStatus.PAUSED, CampaignStatus.RUNNING, "resume");
        // Batches that reached the workers while paused were dropped unclaimed: hand every queued row over again.
        try {
            handOver.forgetHandOver(id);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        dispatcher.publishCampaignAsync(id);
        return QuarkusTransaction.requiringNew().call(() -> find(id));
    }

    public Campaign cancel(String id) {
        Campaign current = QuarkusTransaction.requiringNew().call(() -> find(id));
        if (current.status == CampaignStatus.COMPLETED || current.status == CampaignStatus.CANCELLED) {
            throw ApiException.conflict("wrong_state", "Campaign " + id + " is already " + current.status + ".");
        }
        transition(id, current.status, CampaignStatus.CANCELLED, "cancel");
        try {
            int cancelled = completion.cancelQueued(id);
            LOG.infof("campaign %s cancelled; %d queued deliveries will not be sent", id, cancelled);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return QuarkusTransaction.requiringNew().call(() -> find(id));
    }

    private void transition(String id, CampaignStatus from, CampaignStatus to, String verb) {
        QuarkusTransaction.requiringNew().run(() -> {
            Campaign c = find(id);
            try (Connection conn = dataSource.getConnection()) {
                if (!CampaignLifecycle.allowed(from, to) || !lifecycle.moveIf(conn, id, from, to)) {
                    throw ApiException.conflict("wrong_state", "Cannot " + verb + " campaign " + id + ": it is "
                            + c.status + " (needs " + from + ").");
                }
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        });
    }
}
