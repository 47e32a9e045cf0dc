package dev.tocsin.security;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.OffsetDateTime;

/** Failed logins for one attempted username from one address; a growing delay after too many. */
@Entity
@Table(name = "login_throttle")
public class LoginThrottle extends PanacheEntityBase {

    /** username, a space, the remote address. */
    @Id
    @Column(name = "throttle_key")
    public String key;

    public String username;

    @Column(name = "remote_address")
    public String remoteAddress;

    public int failures;

    @Column(name = "locked_until")
    public OffsetDateTime lockedUntil;

    @Column(name = "updated_at")
    public OffsetDateTime updatedAt;

    static String key(String username, String remoteAddress) {
        return username + " " + (remoteAddress == null ? "-" : remoteAddress);
    }
}
