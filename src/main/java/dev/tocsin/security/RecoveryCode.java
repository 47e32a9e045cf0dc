package dev.tocsin.security;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;

import java.io.Serializable;
import java.time.OffsetDateTime;

/** One recovery code of a user's second factor: only its SHA-256 is kept; used once. */
@Entity
@Table(name = "recovery_code")
@IdClass(RecoveryCode.Key.class)
public class RecoveryCode extends PanacheEntityBase {

    @Id
    public String username;

    @Id
    @Column(name = "code_hash")
    public String codeHash;

    @Column(name = "used_at")
    public OffsetDateTime usedAt;

    public static class Key implements Serializable {
        public String username;
        public String codeHash;

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && java.util.Objects.equals(username, k.username) && java.util.Objects.equals(codeHash, k.codeHash);
        }

        @Override
        public int hashCode() {
            return java.util.Objects.hash(username, codeHash);
        }
    }
}
