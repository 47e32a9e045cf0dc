package dev.tocsin.security;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.List;

/** A built-in user. The password is kept only as a bcrypt hash. */
@Entity
@Table(name = "app_user")
public class AppUser extends PanacheEntityBase {

    @Id
    public String username;

    @Column(name = "password_hash")
    public String passwordHash;

    /** Comma-separated role names. */
    public String roles;

    public boolean enabled;

    @Column(name = "created_at")
    public OffsetDateTime createdAt;

    @Column(name = "updated_at")
    public OffsetDateTime updatedAt;

    /** "password" (a built-in user) or "oidc" (made at a sign-in through the company's OIDC provider). */
    @Column(name = "signs_in_with")
    public String signsInWith = "password";

    @Column(name = "totp_secret")
    public String totpSecret;

    @Column(name = "totp_pending_secret")
    public String totpPendingSecret;

    @Column(name = "totp_enabled_at")
    public OffsetDateTime totpEnabledAt;

    @Column(name = "totp_last_step")
    public Long totpLastStep;

    public List<String> roleList() {
        return roles == null || roles.isEmpty() ? List.of() : Arrays.asList(roles.split(","));
    }
}
