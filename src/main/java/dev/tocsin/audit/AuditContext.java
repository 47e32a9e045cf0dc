package dev.tocsin.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;

/**
 * What the current request changed, filled in by the code that changes it and written by {@link AuditFilter}
 * when the response goes out: one audit line per request, with before/after for edits.
 */
@RequestScoped
public class AuditContext {

    @Inject
    ObjectMapper mapper;

    private String objectType;
    private String objectId;
    private String details;
    private String before;
    private String after;

    public AuditContext object(String type, String id) {
        this.objectType = type;
        this.objectId = id;
        return this;
    }

    public AuditContext details(String details) {
        this.details = details;
        return this;
    }

    public AuditContext before(Object state) {
        this.before = json(state);
        return this;
    }

    public AuditContext after(Object state) {
        this.after = json(state);
        return this;
    }

    // Read through methods: the filter holds a CDI client proxy, whose own fields are always empty.
    String objectType() {
        return objectType;
    }

    String objectId() {
        return objectId;
    }

    String details() {
        return details;
    }

    String beforeState() {
        return before;
    }

    String afterState() {
        return after;
    }

    private String json(Object state) {
        try {
            return state == null ? null : mapper.writeValueAsString(state);
        } catch (JsonProcessingException e) {
            return String.valueOf(state);
        }
    }
}
