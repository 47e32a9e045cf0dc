package dev.tocsin.tracking;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.OffsetDateTime;

/** What a recipient did with a notice (read by support and reports; written by RecipientNotices). */
@Entity
@Table(name = "notice_engagement")
public class NoticeEngagement extends PanacheEntityBase {

    @Id
    @Column(name = "delivery_id")
    public Long deliveryId;

    @Column(name = "opened_at")
    public OffsetDateTime openedAt;

    @Column(name = "acknowledged_at")
    public OffsetDateTime acknowledgedAt;
}
