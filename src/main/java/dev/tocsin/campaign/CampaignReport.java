package dev.tocsin.campaign;

import dev.tocsin.delivery.ProofReport;
import dev.tocsin.template.NoticeTemplates;
import dev.tocsin.template.TemplateFingerprint;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.StreamingOutput;
import org.jboss.logging.Logger;

import java.io.BufferedWriter;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;

/** The campaign's proof of notification (ProofReport), with the fingerprint of the template set it used. */
@ApplicationScoped
public class CampaignReport {

    private static final Logger LOG = Logger.getLogger(CampaignReport.class);

    @Inject
    CampaignService campaigns;

    @Inject
    NoticeTemplates templates;

    @Inject
    TemplateFingerprint fingerprints;

    @Inject
    ProofReport report;

    /** Checks the campaign exists (404 before anything is streamed), then streams its rows. */
    public StreamingOutput proof(String id) {
        Campaign c = QuarkusTransaction.requiringNew().call(() -> campaigns.find(id));
        int version = c.templatesVersion == null ? 0 : c.templatesVersion;
        String setName = c.templateSet;
        String fingerprint = templates.forCampaign(c.id, setName, version).map(fingerprints::of).orElse("");
        String label = version > 0 ? setName + " (uploaded version " + version + ")" : setName;
        return out -> {
            BufferedWriter writer = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 1 << 16);
            try {
                long rows = report.write(id, label, fingerprint, writer);
                LOG.infof("proof report of campaign %s: %d rows", id, rows);
            } catch (SQLException e) {
                // The status line is gone; the truncated file ends without its last line, and the log says why.
                LOG.errorf(e, "proof report of campaign %s broke off", id);
                throw new java.io.IOException("the report could not be read from the database", e);
            }
        };
    }
}
