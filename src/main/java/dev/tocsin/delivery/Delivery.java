package dev.tocsin.delivery;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.OffsetDateTime;

/**
 * One notice to one person on one channel. Rows are created in bulk at launch and moved through their
 * states by conditional SQL updates (see the delivery services (DeliveryClaims, DeliveryOutcomes, ...)); this entity serves reads.
 */
@Entity
@Table(name = "delivery")
public class Delivery extends PanacheEntityBase {

    @Id
    public Long id;

    @Column(name = "campaign_id")
    public String campaignId;
    @Column(name = "account_id")
    public String accountId;
    public String channel;
    public String address;
    public String locale;

    @Enumerated(EnumType.STRING)
    public DeliveryStatus status;

    public int attempts;

    @Column(name = "provider_message_id")
    public String providerMessageId;
    @Column(name = "provider_response")
    public String providerResponse;
    @Column(name = "last_error")
    public String lastError;
    /** The verification reference the notice carried, kept when the send is recorded (null until sent). */
    public String reference;
    /** The delivery this one sends again (support's resend); null for the campaign's own. */
    @Column(name = "resend_of")
    public Long resendOf;

    @Column(name = "created_at")
    public OffsetDateTime createdAt;
    @Column(name = "sending_at")
    public OffsetDateTime sendingAt;
    @Column(name = "sent_at")
    public OffsetDateTime sentAt;
    @Column(name = "settled_at")
    public OffsetDateTime settledAt;
    @Column(name = "next_attempt_at")
    public OffsetDateTime nextAttemptAt;
    @Column(name = "updated_at")
    public OffsetDateTime updatedAt;
}
