package dev.tocsin.support;

import dev.tocsin.campaign.CampaignLifecycle;
import dev.tocsin.campaign.CampaignStatus;
import dev.tocsin.common.ApiException;
import dev.tocsin.common.Channel;
import dev.tocsin.delivery.DeliveryResends;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * Sends a person's notice again, in one transaction: the new delivery (DeliveryResends' checks), and a
 * completed campaign running again until it is settled (the workers send only for running campaigns).
 */
@ApplicationScoped
public class Resends {

    @Inject
    AgroalDataSource dataSource;

    @Inject
    DeliveryResends resends;

    @Inject
    CampaignLifecycle lifecycle;

    public DeliveryResends.Created resend(long deliveryId, Channel channel) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                DeliveryResends.Created created = resends.create(c, deliveryId, channel);
                if (CampaignStatus.COMPLETED.name().equals(created.campaignStatus())) {
                    lifecycle.moveIf(c, created.campaignId(), CampaignStatus.COMPLETED, CampaignStatus.RUNNING);
                }
                c.commit();
                return created;
            } catch (SQLException e) {
                c.rollback();
                if ("23505".equals(e.getSQLState()) || "23001".equals(e.getSQLState())) {
                    throw new ApiException(409, "in_flight", "Another resend of this notice was made at the same"
                            + " moment: look the person up again before resending.");
                }
                throw e;
            } catch (RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
    }
}
