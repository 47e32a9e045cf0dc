package dev.tocsin.incident;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.OffsetDateTime;

/** A breach the company learned of: the thing every notice is about. */
@Entity
@Table(name = "incident")
public class Incident extends PanacheEntityBase {

    @Id
    public String id;

    public String title;

    @Column(length = 20000)
    public String description;

    @Column(name = "occurred_at")
    public OffsetDateTime occurredAt;

    @Column(name = "discovered_at")
    public OffsetDateTime discoveredAt;

    @Column(name = "created_at")
    public OffsetDateTime createdAt;

    /** The structured facts a notice states (NoticeFacts as JSON; null: none recorded). */
    @Column(length = 20000)
    public String facts;

    /** What the company did, paragraphs separated by a blank line, in the default language. */
    @Column(name = "company_actions", length = 20000)
    public String companyActions;

    @Column(name = "delay_note", length = 2000)
    public String delayNote;

    @Column(name = "security_measures", length = 4000)
    public String securityMeasures;
}
