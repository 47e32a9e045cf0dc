package dev.tocsin.incident;

import dev.tocsin.template.IncidentText;
import jakarta.persistence.Column;
import jakarta.persistence.Embeddable;

import java.util.List;

/**
 * The facts a notice states in words, in one language: what the company did (paragraphs separated by a blank
 * line), why the notice was delayed, the security measures that protected the data. The incident holds them in
 * its own language, each translation in its own.
 */
@Embeddable
public class WordedFacts {

    @Column(name = "company_actions", length = 20000)
    public String companyActions;

    @Column(name = "delay_note", length = 2000)
    public String delayNote;

    @Column(name = "security_measures", length = 4000)
    public String securityMeasures;

    /** Replaces the words (blank ones become none). */
    void set(List<String> actions, String delay, String measures) {
        companyActions = IncidentText.storedParagraphs(actions);
        delayNote = blankToNull(delay);
        securityMeasures = blankToNull(measures);
    }

    /** The text a notice shows: these words with a title and description. */
    IncidentText withTitle(String title, String description) {
        return new IncidentText(title, description, IncidentText.paragraphs(companyActions), delayNote, securityMeasures);
    }

    static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
