package dev.tocsin.audience;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Embeddable;
import jakarta.persistence.EmbeddedId;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;

import java.io.Serializable;
import java.time.OffsetDateTime;
import java.util.List;

/** Which data of one account one incident exposed. */
@Entity
@Table(name = "exposure")
public class Exposure extends PanacheEntityBase {

    @Embeddable
    public record Key(@Column(name = "incident_id") String incidentId,
                      @Column(name = "account_id") String accountId) implements Serializable {
    }

    @EmbeddedId
    public Key id;

    /** Stored as ";a;b;" (see V1__foundation.sql); use {@link #categoryList()}. */
    public String categories;

    @Column(name = "upload_id")
    public String uploadId;

    @Column(name = "upload_line")
    public long uploadLine;

    @Column(name = "updated_at")
    public OffsetDateTime updatedAt;

    public List<String> categoryList() {
        return ExposureCategory.fromStored(categories);
    }
}
