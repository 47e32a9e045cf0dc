package dev.tocsin.audience;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.OffsetDateTime;

/** A person the company can notify. Written in bulk by {@link AccountBatchWriter}; read through Panache. */
@Entity
@Table(name = "account")
public class Account extends PanacheEntityBase {

    @Id
    @Column(name = "account_id")
    public String accountId;

    public String email;
    public String phone;
    public String locale;
    public String timezone;
    public String country;
    public String region;
    public String name;

    @Column(name = "updated_at")
    public OffsetDateTime updatedAt;
}
