package dev.tocsin.campaign;

import dev.tocsin.audience.Segment;
import dev.tocsin.common.Channel;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.List;

/** One notification run for an incident: who gets which notice, on which channels, and where it stands. */
@Entity
@Table(name = "campaign")
public class Campaign extends PanacheEntityBase {

    @Id
    public String id;

    @Column(name = "incident_id")
    public String incidentId;

    public String name;
    /** What recipients see on /verify (the name is internal); null: the incident's title. */
    @Column(name = "public_title")
    public String publicTitle;
    /** The earlier campaign this one updates (its recipients are the audience); null for a first notice. */
    @Column(name = "follow_up_of")
    public String followUpOf;
    @Column(name = "follow_up_audience")
    public String followUpAudience;

    @Column(name = "template_set")
    public String templateSet;

    /** Comma-separated channel codes in fallback order, e.g. "email,sms". */
    public String channels;

    @Column(name = "channel_policy")
    public String channelPolicy;

    @Column(name = "segment_exposed_any")
    public String segmentExposedAny;
    @Column(name = "segment_exposed_all")
    public String segmentExposedAll;
    @Column(name = "segment_countries")
    public String segmentCountries;
    @Column(name = "segment_locales")
    public String segmentLocales;

    @Column(name = "scheduled_at")
    public OffsetDateTime scheduledAt;

    /** Set when the scheduled time passed while no instance was running: launch then needs an operator. */
    @Column(name = "schedule_missed_at")
    public OffsetDateTime scheduleMissedAt;

    @Column(name = "max_attempts")
    public int maxAttempts;

    /** Bumped by each uploaded template part; 0/null: the library set as it is. */
    @Column(name = "templates_version")
    public Integer templatesVersion;

    public int templatesVersion() {
        return templatesVersion == null ? 0 : templatesVersion;
    }

    /** SMS segments the notice may take in any locale (null: the default, 3). */
    @Column(name = "sms_segment_budget")
    public Integer smsSegmentBudget;

    public int smsSegmentBudget() {
        return smsSegmentBudget == null ? 3 : smsSegmentBudget;
    }

    @Enumerated(EnumType.STRING)
    public CampaignStatus status;

    /** Fixed at launch: how many accounts the segment matched, and how many had no address on any channel. */
    @Column(name = "audience_total")
    public Long audienceTotal;
    public Long unreachable;

    @Column(name = "created_by")
    public String createdBy;
    @Column(name = "last_edited_by")
    public String lastEditedBy;
    @Column(name = "approved_by")
    public String approvedBy;
    @Column(name = "approved_at")
    public OffsetDateTime approvedAt;
    @Column(name = "approval_comment")
    public String approvalComment;
    /** The fields a notice depends on, as last approved (JSON; kept when an edit withdraws the approval). */
    @Column(name = "approved_fields")
    public String approvedFields;
    @Column(name = "rejected_by")
    public String rejectedBy;
    @Column(name = "rejected_at")
    public OffsetDateTime rejectedAt;
    @Column(name = "rejection_comment")
    public String rejectionComment;
    /** Locales the approver accepted to send with the incident's untranslated text (comma-separated). */
    @Column(name = "allowed_fallback")
    public String allowedFallback;
    @Column(name = "launched_at")
    public OffsetDateTime launchedAt;
    @Column(name = "completed_at")
    public OffsetDateTime completedAt;
    /** When its last notice went out (resends on support's word aside), taken as it completed. */
    @Column(name = "last_notice_sent_at", insertable = false, updatable = false) // written only by the completion
    public OffsetDateTime lastNoticeSentAt;
    @Column(name = "created_at")
    public OffsetDateTime createdAt;
    @Column(name = "updated_at")
    public OffsetDateTime updatedAt;

    /** The channels in the order the campaign tries them (validated when the campaign was written). */
    public List<Channel> channelList() {
        return split(channels).stream().map(code -> Channel.fromCode(code)
                .orElseThrow(() -> new IllegalStateException("campaign " + id + " names an unknown channel"))).toList();
    }

    public List<String> channelCodes() {
        return split(channels);
    }

    public Segment segment() {
        Segment own = new Segment(split(segmentExposedAny), split(segmentExposedAll), split(segmentCountries),
                split(segmentLocales));
        return followUpOf == null ? own : own.followingUp(followUpOf, followUpAudience);
    }

    public void segment(Segment segment) {
        followUpOf = segment.followUpOf();
        followUpAudience = segment.followUpAudience();
        segmentExposedAny = join(segment.exposedAny());
        segmentExposedAll = join(segment.exposedAll());
        segmentCountries = join(segment.countries());
        segmentLocales = join(segment.locales());
    }

    static List<String> split(String value) {
        return value == null || value.isEmpty() ? List.of() : Arrays.asList(value.split(","));
    }

    static String join(List<String> values) {
        return values == null || values.isEmpty() ? null : String.join(",", values);
    }
}
