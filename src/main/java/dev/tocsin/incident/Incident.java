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

    /** What the company did, why the notice was delayed, the security measures: in this text's language. */
    @jakarta.persistence.Embedded
    public WordedFacts words = new WordedFacts();
}
