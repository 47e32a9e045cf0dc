package dev.tocsin.incident;

import dev.tocsin.common.AdvisoryLinks;
import dev.tocsin.common.ApiException;
import dev.tocsin.common.CompanyConfig;
import dev.tocsin.common.FieldError;
import dev.tocsin.template.NoticeFacts;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.net.URI;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What the recorded facts must satisfy before notices state them: a breach period that ends after it begins
 * and not in the future, a contact that says something, and an offer whose enrolment link is https on a
 * domain notices may link to (a notice that sends people to an unknown site teaches them to follow phishing).
 */
@ApplicationScoped
public class IncidentFactsRules {

    @Inject
    CompanyConfig company;

    @Inject
    AdvisoryLinks links;

    void check(Incident incident, NoticeFacts facts) {
        List<FieldError> errors = new ArrayList<>();
        OffsetDateTime until = facts.occurredUntil();
        if (until != null) {
            String problem = dev.tocsin.common.TimeWindow.problem(until);
            if (problem != null) {
                errors.add(new FieldError("facts.occurredUntil", problem));
            } else if (until.isBefore(incident.occurredAt)) {
                errors.add(new FieldError("facts.occurredUntil", "before occurredAt (" + incident.occurredAt
                        + "): the period ends after it begins"));
            } else if (until.isAfter(OffsetDateTime.now().plusDays(1))) {
                errors.add(new FieldError("facts.occurredUntil", "is in the future"));
            }
        }
        contact(errors, "facts.contact", facts.contact());
        contact(errors, "facts.dpo", facts.dpo());
        NoticeFacts.Offer offer = facts.offer();
        if (offer != null) {
            String linkProblem = linkProblem(offer.enrolmentUrl());
            if (linkProblem != null) {
                errors.add(new FieldError("facts.offer.enrolmentUrl", linkProblem));
            }
            if (offer.enrolBy() != null && offer.enrolBy().isBefore(LocalDate.now().minusDays(1))) {
                errors.add(new FieldError("facts.offer.enrolBy", "is in the past: recipients could no longer enrol"));
            }
        }
        if (!errors.isEmpty()) {
            throw ApiException.badRequest("invalid_request", "The incident's facts cannot be recorded: "
                    + String.join("; ", errors.stream().map(e -> e.field() + " " + e.reason()).toList()) + ".", errors);
        }
    }

    private static void contact(List<FieldError> errors, String field, NoticeFacts.Contact contact) {
        if (contact == null) {
            return;
        }
        if (blank(contact.name()) && blank(contact.email()) && blank(contact.phone()) && blank(contact.postalAddress())) {
            errors.add(new FieldError(field, "is empty: give a name, email, phone or postal address, or leave it out"));
        }
        if (!blank(contact.email()) && !contact.email().strip().matches("[^@\\s<>\"]+@[^@\\s<>\"]+\\.[^@\\s<>\"]+")) {
            errors.add(new FieldError(field + ".email", "is not an email address"));
        }
        if (!blank(contact.phone()) && !contact.phone().strip().matches("\\+?[0-9][0-9 ().-]{2,30}")) {
            errors.add(new FieldError(field + ".phone", "is not a phone number (digits, spaces, + ( ) - . only)"));
        }
    }

    /** What the company did, as stored, fits its column: refused with the field otherwise. */
    static void checkActionsFit(String field, List<String> actions) {
        String stored = dev.tocsin.template.IncidentText.storedParagraphs(actions);
        if (stored != null && stored.length() > MAX_ACTIONS_CHARS) {
            throw ApiException.badRequest("invalid_request", field + " holds " + stored.length() + " characters; at most "
                    + MAX_ACTIONS_CHARS + " in all: shorten the paragraphs or link the details from the advisory page.",
                    List.of(new FieldError(field, "more than " + MAX_ACTIONS_CHARS + " characters in all")));
        }
    }

    /** The column's size (V21). */
    static final int MAX_ACTIONS_CHARS = 20_000;

    /** Why a link may not appear in a notice, or null: https, on the advisory's host or a configured domain. */
    String linkProblem(String url) {
        URI uri;
        try {
            uri = new URI(url.strip());
        } catch (java.net.URISyntaxException | NullPointerException e) {
            return "is not a URL";
        }
        if (!"https".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null || uri.getRawUserInfo() != null) {
            return "must be an https:// address without user information";
        }
        String host = uri.getHost().toLowerCase(Locale.ROOT);
        if (host.equals(URI.create(links.baseUrl()).getHost().toLowerCase(Locale.ROOT))) {
            return null;
        }
        for (String allowed : allowedDomains()) {
            if (host.equals(allowed) || host.endsWith("." + allowed)) {
                return null;
            }
        }
        return "is on " + host + ", which notices may not link to: add the domain to TOCSIN_LINK_DOMAINS"
                + " (tocsin.company.link-domains) if it is your partner's";
    }

    /** The configured domains notices may link to, lower case. */
    public List<String> allowedDomains() {
        return company.company().linkDomains().orElse(List.of()).stream().map(String::strip)
                .filter(d -> !d.isEmpty()).map(d -> d.toLowerCase(Locale.ROOT)).toList();
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
