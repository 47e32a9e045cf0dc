package dev.tocsin.campaign;

import dev.tocsin.audience.Account;
import dev.tocsin.audience.Exposure;
import dev.tocsin.channel.NoticeDataFactory;
import dev.tocsin.common.ApiException;
import dev.tocsin.common.Channel;
import dev.tocsin.common.FieldError;
import dev.tocsin.incident.Incident;
import dev.tocsin.template.NoticeData;
import dev.tocsin.template.NoticeTemplates;
import dev.tocsin.template.RenderedEmail;
import dev.tocsin.template.RenderedPush;
import dev.tocsin.template.SmsSegments;
import dev.tocsin.template.TemplateSet;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;

import java.util.IllformedLocaleException;
import java.util.List;
import java.util.Locale;

/**
 * Renders a campaign's notice exactly as a recipient would get it, for one account of the incident or for a
 * synthetic sample, in a chosen locale: what an operator checks before asking for approval and an approver
 * reads before giving it. The verification reference is a placeholder no real notice carries.
 */
@ApplicationScoped
public class CampaignPreview {

    @Inject
    CampaignService campaigns;

    @Inject
    NoticeTemplates templates;

    @Inject
    NoticeDataFactory notices;

    public record PreviewRequest(String locale, String accountId) {
    }

    public record SmsPreview(String text, String encoding, int length, int segments) {
    }

    public record Preview(String requestedLocale, String locale, String accountId, RenderedEmail email, SmsPreview sms,
                          RenderedPush push) {
    }

    /** What a notice for this campaign would be rendered from: the set, the data and the resolved locale. */
    record Subject(Campaign campaign, TemplateSet set, NoticeData data, String resolvedLocale) {
    }

    @Transactional
    public Preview preview(String campaignId, PreviewRequest request) {
        String requested = request == null ? null : request.locale();
        String accountId = request == null ? null : request.accountId();
        Subject subject = subject(campaignId, requested, accountId);
        TemplateSet set = subject.set();
        NoticeData data = subject.data();
        String resolved = subject.resolvedLocale();
        RenderedEmail email = templates.renderEmail(set, data);
        SmsPreview sms = null;
        if (!templates.localesWithout(set, Channel.SMS).contains(resolved)) {
            String text = templates.renderSms(set, data);
            SmsSegments.Count count = SmsSegments.count(text);
            sms = new SmsPreview(text, count.encoding(), count.units(), count.segments());
        }
        RenderedPush push = templates.localesWithout(set, Channel.PUSH).contains(resolved) ? null : templates.renderPush(set, data);
        return new Preview(requested, resolved, accountId, email, sms, push);
    }

    /** Call inside a transaction: reads the campaign, its incident and the account. */
    Subject subject(String campaignId, String requested, String accountId) {
        Campaign campaign = campaigns.find(campaignId);
        TemplateSet set = templates.forCampaign(campaign.id, campaign.templateSet, campaign.templatesVersion()).orElseThrow(() -> ApiException.conflict("template_set_missing",
                "Campaign " + campaignId + " uses template set '" + campaign.templateSet + "', which is not in the library."));
        Incident incident = Incident.findById(campaign.incidentId);
        if (requested != null && requested.strip().length() > 35) {
            throw ApiException.badRequest("invalid_request", "The locale tag is longer than 35 characters; use the"
                    + " language and region only (e.g. pt-BR).", List.of(new FieldError("locale", "longer than 35 characters")));
        }
        if (requested != null && !requested.isBlank()) {
            try {
                new Locale.Builder().setLanguageTag(requested.strip());
            } catch (IllformedLocaleException e) {
                throw ApiException.badRequest("invalid_request", "'" + requested + "' is not a BCP 47 language tag (e.g. fr, pt-BR).",
                        List.of(new FieldError("locale", "not a BCP 47 language tag")));
            }
        }
        NoticeData data;
        if (accountId != null && !accountId.isBlank()) {
            Exposure exposure = Exposure.findById(new Exposure.Key(campaign.incidentId, accountId));
            Account account = exposure == null ? null : Account.findById(accountId);
            if (account == null) {
                throw new ApiException(404, "account_not_found", "Account '" + accountId
                        + "' is not among the affected accounts of this campaign's incident.");
            }
            String locale = requested != null && !requested.isBlank() ? requested.strip() : account.locale;
            data = notices.forPreview(set, locale, account.timezone, account.name, incident, exposure.categoryList(),
                    account.country, account.region);
        } else {
            // A synthetic recipient exposed to what the segment targets (or a password, for an unsegmented campaign)
            List<String> categories = campaign.segment().exposedAny().isEmpty() ? List.of("password")
                    : campaign.segment().exposedAny();
            data = notices.forPreview(set, requested, "UTC", "Alex Example", incident, categories, null, null);
        }
        return new Subject(campaign, set, data, set.resolveTag(data.locale()));
    }
}
