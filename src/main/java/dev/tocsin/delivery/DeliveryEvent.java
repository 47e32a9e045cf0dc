package dev.tocsin.delivery;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.OffsetDateTime;

/** A transition off the happy path (retry, failure, cancel, provider callback), with its reason. */
@Entity
@Table(name = "delivery_event")
public class DeliveryEvent extends PanacheEntityBase {

    @Id
    public Long id;

    @Column(name = "delivery_id")
    public long deliveryId;

    public String status;

    public OffsetDateTime at;

    public String detail;
}
