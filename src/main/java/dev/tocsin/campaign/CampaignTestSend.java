package dev.tocsin.campaign;

import dev.tocsin.audience.AccountRowValidator;
import dev.tocsin.channel.email.EmailGateway;
import dev.tocsin.channel.email.OutgoingEmail;
import dev.tocsin.channel.sms.OutgoingSms;
import dev.tocsin.channel.sms.SmsGateway;
import dev.tocsin.common.ApiException;
import dev.tocsin.common.Channel;
import dev.tocsin.common.FieldError;
import dev.tocsin.delivery.SendResult;
import dev.tocsin.template.NoticeTemplates;
import dev.tocsin.template.RenderedEmail;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.ArrayList;
import java.util.List;

/**
 * Sends the rendered notice to the addresses and numbers in the request, and only to them, marked as a test
 * ("[TEST]" before the subject and the SMS, an X-Tocsin-Test header, a placeholder reference): how an
 * operator checks what the real thing looks like in a mailbox and on a phone before approval. It creates no
 * delivery; the request and each provider's answer go to the audit trail.
 */
@ApplicationScoped
public class CampaignTestSend {

    static final int MAX_PER_CHANNEL = 10;
    static final String MARK = "[TEST] ";

    @Inject
    CampaignPreview previews;

    @Inject
    NoticeTemplates templates;

    @Inject
    EmailGateway email;

    @Inject
    SmsGateway sms;

    public record TestSendRequest(List<String> emails, List<String> phones, String locale, String accountId) {
    }

    public record Sent(String channel, String to, String outcome, String response) {
    }

    public record TestSendResult(String locale, List<Sent> sent) {
    }

    public TestSendResult send(String campaignId, TestSendRequest request) {
        List<String> emails = request == null || request.emails() == null ? List.of() : request.emails();
        List<String> phones = request == null || request.phones() == null ? List.of() : request.phones();
        check(emails, phones);
        CampaignPreview.Subject subject = QuarkusTransaction.requiringNew().call(() -> previews.subject(campaignId,
                request.locale(), request.accountId()));
        // Refuse before anything goes out: a refusal after the emails were sent would hide that they were.
        if (!phones.isEmpty() && templates.localesWithout(subject.set(), Channel.SMS).contains(subject.resolvedLocale())) {
            throw ApiException.conflict("no_sms_template", "Nothing was sent: template set '" + subject.set().name()
                    + "' has no SMS text for locale " + subject.resolvedLocale()
                    + ". Send to emails only, pick another locale, or upload sms.txt for it.");
        }
        List<Sent> sent = new ArrayList<>();
        if (!emails.isEmpty()) {
            RenderedEmail rendered = templates.renderEmail(subject.set(), subject.data());
            RenderedEmail marked = rendered.withSubject(MARK + rendered.subject());
            List<OutgoingEmail> outgoing = emails.stream().map(to -> new OutgoingEmail(0, campaignId, to,
                    subject.data().reference(), marked)).toList();
            collect(Channel.EMAIL.code(), emails, email.send(outgoing), sent);
        }
        if (!phones.isEmpty()) {
            String text = MARK + templates.renderSms(subject.set(), subject.data());
            collect(Channel.SMS.code(), phones, sms.send(phones.stream().map(to -> new OutgoingSms(0, campaignId, to, text)).toList()), sent);
        }
        return new TestSendResult(subject.resolvedLocale(), sent);
    }

    private static void collect(String channel, List<String> to, List<SendResult> results, List<Sent> sent) {
        for (int i = 0; i < results.size(); i++) {
            SendResult r = results.get(i);
            sent.add(new Sent(channel, to.get(i), r.outcome().name().toLowerCase(), r.response()));
        }
    }

    private static void check(List<String> emails, List<String> phones) {
        List<FieldError> problems = new ArrayList<>();
        if (emails.isEmpty() && phones.isEmpty()) {
            problems.add(new FieldError("emails", "give at least one address in emails or one number in phones"));
        }
        if (emails.size() > MAX_PER_CHANNEL) {
            problems.add(new FieldError("emails", "at most " + MAX_PER_CHANNEL + " addresses per test send"));
        }
        if (phones.size() > MAX_PER_CHANNEL) {
            problems.add(new FieldError("phones", "at most " + MAX_PER_CHANNEL + " numbers per test send"));
        }
        for (int i = 0; i < emails.size(); i++) {
            if (!AccountRowValidator.isEmail(emails.get(i))) {
                problems.add(new FieldError("emails[" + i + "]", "'" + emails.get(i) + "' is not a valid email address"));
            }
        }
        for (int i = 0; i < phones.size(); i++) {
            if (!AccountRowValidator.isE164(phones.get(i))) {
                problems.add(new FieldError("phones[" + i + "]", "'" + phones.get(i)
                        + "' is not a phone number in E.164 form (e.g. +14155550100)"));
            }
        }
        if (!problems.isEmpty()) {
            throw ApiException.badRequest("invalid_test_send", "Nothing was sent: fix these first.", problems);
        }
    }
}
