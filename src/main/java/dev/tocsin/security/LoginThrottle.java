package dev.tocsin.security;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.OffsetDateTime;

/** Failed logins for one attempted username; a lock after too many. */
@Entity
@Table(name = "login_throttle")
public class LoginThrottle extends PanacheEntityBase {

    @Id
    public String username;

    public int failures;

    @Column(name = "locked_until")
    public OffsetDateTime lockedUntil;

    @Column(name = "updated_at")
    public OffsetDateTime updatedAt;
}
