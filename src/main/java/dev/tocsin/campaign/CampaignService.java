package dev.tocsin.campaign;

import dev.tocsin.audience.AudienceQuery;
import dev.tocsin.audience.ExposureCategory;
import dev.tocsin.audience.Segment;
import dev.tocsin.common.ApiException;
import dev.tocsin.common.Channel;
import dev.tocsin.common.FieldError;
import dev.tocsin.common.Ids;
import dev.tocsin.delivery.CampaignControls;
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
import java.util.Map;
import java.util.Set;

/** The campaign lifecycle: draft -> approved -> running -> paused/cancelled -> completed. */
@ApplicationScoped
public class CampaignService {

    private static final Logger LOG = Logger.getLogger(CampaignService.class);

    /** Pause and cancel answer once every instance's workers know (see CampaignControls). */
    @Inject
    CampaignControls controls;

    @Inject
    NoticeTemplates templates;

    @Inject
    CampaignRules rules;

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
    dev.tocsin.incident.Incidents incidents;

    @Inject
    dev.tocsin.channel.NoticeDataFactory notices;

    private static void apply(Campaign c, CampaignRequest request, CampaignRules.Spec spec) {
        c.name = request.name().strip();
        c.publicTitle = request.publicTitle() == null || request.publicTitle().isBlank() ? null : request.publicTitle().strip();
        c.templateSet = request.templateSet();
        c.channels = String.join(",", spec.channels());
        c.channelPolicy = spec.policy();
        c.segment(spec.segment());
        c.maxAttempts = spec.maxAttempts();
        c.smsSegmentBudget = request.smsSegmentBudget();
        c.scheduledAt = request.scheduledAt();
        c.scheduleMissedAt = null;
    }

    /**
     * Who a campaign drafted this way would reach, before it is saved (the console's live count): the same
     * checks as saving it, then the audience by channel and locale.
     */
    public AudienceQuery.Audience audienceOf(CampaignRequest draft) throws SQLException {
        CampaignRules.Spec spec = QuarkusTransaction.requiringNew().call(() -> rules.check(draft));
        List<dev.tocsin.common.Channel> channels = spec.channels().stream().map(dev.tocsin.common.Channel::fromCode)
                .flatMap(java.util.Optional::stream).toList();
        return audienceQuery.measure(draft.incidentId(), spec.segment(), channels);
    }

    public Campaign create(CampaignRequest request, String user) {
        CampaignRules.Spec spec = rules.check(request);
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
        CampaignRules.Spec spec = rules.check(request);
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

    /** The newest campaigns (the console's lists), newest first. */
    public java.util.List<CampaignView> recent(int limit) {
        return io.quarkus.narayana.jta.QuarkusTransaction.requiringNew().call(() ->
                Campaign.<Campaign>find("order by createdAt desc").page(0, limit).list().stream().map(CampaignView::of).toList());
    }

    /** An incident's campaigns, newest first. */
    public java.util.List<CampaignView> ofIncident(String incidentId, int limit) {
        return io.quarkus.narayana.jta.QuarkusTransaction.requiringNew().call(() ->
                Campaign.<Campaign>find("incidentId = ?1 order by createdAt desc", incidentId).page(0, limit).list()
                        .stream().map(CampaignView::of).toList());
    }

    /** One campaign as the API shows it. */
    public CampaignView view(String id) {
        return io.quarkus.narayana.jta.QuarkusTransaction.requiringNew().call(() -> CampaignView.of(find(id)));
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
    @Inject
    dev.tocsin.common.CompanyConfig company;

    private List<String> linkDomains() {
        return company.company().linkDomains().orElse(List.of()).stream().map(String::strip).filter(d -> !d.isEmpty())
                .map(d -> d.toLowerCase(Locale.ROOT)).toList();
    }

    public List<dev.tocsin.template.ContentProblem> contentProblems(String id, List<String> allowFallback)
            throws SQLException {
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
        var sample = notices.forPreview(set.get(), null, "UTC", "Alex Example", incident,
                List.copyOf(dev.tocsin.audience.ExposureCategory.codes()), null, null);
        List<dev.tocsin.template.ContentProblem> problems = new ArrayList<>(
                templates.checkRequiredContent(set.get(), c.channelList(), c.smsSegmentBudget(), sample,
                        linkDomains()));
        // a jurisdiction block the set has, missing in the language some of that place's readers get
        var declared = set.get().everyLocaleJurisdictions();
        Map<String, Long> missingBlocks = new java.util.TreeMap<>();
        for (var group : audienceQuery.byLocaleAndPlace(c.incidentId, c.segment())) {
            String resolved = set.get().resolveTag(group.locale());
            String country = group.country().toUpperCase(Locale.ROOT);
            for (String key : group.region() == null || group.region().isBlank() ? List.of(country)
                    : List.of(country + "-" + group.region().toUpperCase(Locale.ROOT), country)) {
                if (declared.contains(key)) {
                    if (!set.get().locales().get(resolved).blocksHtml().containsKey(key)) {
                        missingBlocks.merge(resolved + "/" + key, group.count(), Long::sum);
                    }
                    break;
                }
            }
        }
        // what each place's law requires, in the notice its readers get, with the data exposed there: one
        // render per place with rules and language (places without rules of their own are not rendered)
        record Place(String country, String region, String locale) {
        }
        Map<Place, java.util.Set<String>> places = new java.util.LinkedHashMap<>();
        for (var group : audienceQuery.byLocaleAndPlace(c.incidentId, c.segment())) {
            var ruled = dev.tocsin.template.NoticeTemplates.ruledPlace(group.country(), group.region());
            if (ruled.isPresent()) {
                places.computeIfAbsent(new Place(ruled.get()[0], ruled.get()[1], set.get().resolveTag(group.locale())),
                        k -> new java.util.TreeSet<>()).addAll(group.categories());
            }
        }
        java.util.Set<dev.tocsin.template.ContentProblem> placeProblems = new java.util.LinkedHashSet<>();
        places.forEach((place, categories) -> {
            var data = notices.forPreview(set.get(), place.locale(), "UTC", "Alex Example", incident,
                    List.copyOf(categories), place.country(), place.region());
            placeProblems.addAll(templates.checkPlace(set.get(), data));
        });
        problems.addAll(placeProblems);
        missingBlocks.forEach((where, count) -> {
            String tag = where.substring(0, where.indexOf('/'));
            String key = where.substring(where.indexOf('/') + 1);
            problems.add(new dev.tocsin.template.ContentProblem(tag, "jurisdiction/" + key + ".html", "jurisdiction",
                    count + " recipient(s) in " + key + " would get the '" + set.get().defaultLocale() + "' block inside a '"
                            + tag + "' notice: add jurisdiction/" + key + ".html and .txt for '" + tag + "'"));
        });
        var translations = incidents.translations(c.incidentId);
        Map<String, Long> untranslated = new java.util.TreeMap<>();
        audienceQuery.byLocale(c.incidentId, c.segment()).forEach((tag, count) -> {
            String resolved = set.get().resolveTag(tag);
            if (!Locale.forLanguageTag(resolved).getLanguage().equals(Locale.forLanguageTag(tag).getLanguage())) {
                problems.add(new dev.tocsin.template.ContentProblem(tag, "-", "locale", "the set has no '" + tag
                        + "' templates: " + count + " recipient(s) would get '" + resolved + "'"));
            }
            var picked = dev.tocsin.template.IncidentText.pick(translations, resolved);
            boolean ownActions = !dev.tocsin.incident.Incidents.ownText(incident).companyActions().isEmpty();
            if (!resolved.equals(set.get().defaultLocale())
                    && (picked.isEmpty() || (ownActions && picked.get().companyActions().isEmpty()))) {
                untranslated.merge(resolved, count, Long::sum);
            }
        });
        untranslated.forEach((tag, count) -> {
            if (allowFallback == null || allowFallback.stream().noneMatch(tag::equalsIgnoreCase)) {
                problems.add(new dev.tocsin.template.ContentProblem(tag, "incident", "translation", count
                        + " recipient(s) would read the incident's title, description or what the company did in '"
                        + set.get().defaultLocale()
                        + "' inside a '" + tag + "' notice: translate them (PUT /api/incidents/" + c.incidentId
                        + "/translations/" + tag + ") or approve with allowFallback [\"" + tag + "\"]"));
            }
        });
        return problems;
    }

    /**
     * Four eyes: the approver is neither the campaign's creator nor the last person who edited it. A campaign
     * whose notice misses required content cannot be approved.
     */
    public Campaign approve(String id, String comment, List<String> allowFallback, String user) {
        // Who may approve and in which state are checked first: they are cheap, and a refused caller learns why.
        QuarkusTransaction.requiringNew().run(() -> checkApprovable(find(id), user));
        List<dev.tocsin.template.ContentProblem> problems;
        try {
            problems = contentProblems(id, allowFallback);
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
            c.allowedFallback = allowFallback == null || allowFallback.isEmpty() ? null
                    : String.join(",", allowFallback.stream().map(String::strip).distinct().sorted().toList());
            c.updatedAt = c.approvedAt;
            approvals.remember(c);
            return c;
        });
    }

    static void checkApprovable(Campaign c, String user) {
        if (c.status != CampaignStatus.DRAFT) {
            throw ApiException.conflict("wrong_state", "Campaign " + c.id + " is " + c.status
                    + "; only a DRAFT campaign can be approved.");
        }
        if (user.equals(c.createdBy) || user.equals(c.lastEditedBy)) {
            throw new ApiException(403, "four_eyes", "You " + (user.equals(c.createdBy) ? "created" : "last edited")
                    + " campaign " + c.id + ", so you cannot approve it: a second person with the approver role must.");
        }
    }

    @Inject
    CampaignConfig config;

    @Inject
    CampaignApprovals approvals;

    /**
     * What an operator's launch does: an APPROVED campaign with a future scheduledAt becomes SCHEDULED and
     * starts by itself then; otherwise it starts now. A SCHEDULED campaign whose time was missed while
     * Tocsin was down starts when an operator launches it: that call is the confirmation.
     */
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
     * (operator, scheduler, another replica) starts it. The audience's size is counted once the first slice is
     * on its way (about a second at a million accounts: before, the first notice waited for it), and before the
     * request answers.
     */
    Campaign start(String id, CampaignStatus from) {
        int timeoutSeconds = (int) config.launch().timeout().toSeconds();
        record Started(Campaign campaign, DeliveryCreation.Slice first) {
        }
        Started started = QuarkusTransaction.requiringNew().timeout(timeoutSeconds).call(() -> {
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
            DeliveryCreation.Slice slice;
            try (Connection conn = dataSource.getConnection()) {
                if (!lifecycle.start(conn, id, from)) {
                    throw ApiException.conflict("wrong_state", "Campaign " + id + " was launched by someone else meanwhile.");
                }
                slice = creation.createFirstSlice(conn, c);
            }
            if (slice.ids().isEmpty()) {
                AudienceQuery.Counts audience = audienceQuery.count(c.incidentId, c.segment(), c.channelList());
                throw ApiException.conflict("empty_audience", "Campaign " + id + " has nobody to notify: its segment"
                        + " matches " + audience.total() + " accounts and none has an address on " + c.channelCodes()
                        + ". Upload accounts to the incident or widen the segment.");
            }
            return new Started(c, slice);
        });
        DeliveryCreation.Slice first = started.first();
        LOG.infof("campaign %s launched; %d deliveries created%s", id, first.ids().size(),
                first.last() ? "" : " so far, the rest follows slice by slice");
        creation.continueAfterLaunch(id, first);
        Campaign c = started.campaign();
        try (Connection conn = dataSource.getConnection()) {
            AudienceQuery.Counts audience = audienceQuery.count(c.incidentId, c.segment(), c.channelList());
            lifecycle.recordAudience(conn, id, audience.total(), audience.unreachable());
        } catch (SQLException e) {
            // the campaign runs; only its audience's size is missing from its view
            LOG.warnf("campaign %s: the size of its audience could not be counted: %s", id, e.getMessage());
        }
        return QuarkusTransaction.requiringNew().call(() -> find(id));
    }

    public Campaign pause(String id) {
        transition(id, CampaignStatus.RUNNING, CampaignStatus.PAUSED, "pause");
        // answer once no instance will start another notice of it
        controls.awaitEveryInstanceRead();
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
        if (current.status == CampaignStatus.RUNNING) {
            controls.awaitEveryInstanceRead();
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
