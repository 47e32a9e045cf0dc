package dev.tocsin.incident;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Embeddable;
import jakarta.persistence.EmbeddedId;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;

import java.io.Serializable;
import java.util.Objects;

/** The incident's title and description in one locale. */
@Entity
@Table(name = "incident_translation")
public class IncidentTranslation extends PanacheEntityBase {

    @Embeddable
    public static class Key implements Serializable {
        @Column(name = "incident_id")
        public String incidentId;
        public String locale;

        public Key() {
        }

        public Key(String incidentId, String locale) {
            this.incidentId = incidentId;
            this.locale = locale;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && Objects.equals(incidentId, k.incidentId) && Objects.equals(locale, k.locale);
        }

        @Override
        public int hashCode() {
            return Objects.hash(incidentId, locale);
        }
    }

    @EmbeddedId
    public Key key;

    public String title;

    @Column(length = 20000)
    public String description;

    /** What the company did, why the notice was delayed, the security measures: in this text's language. */
    @jakarta.persistence.Embedded
    public WordedFacts words = new WordedFacts();
}
