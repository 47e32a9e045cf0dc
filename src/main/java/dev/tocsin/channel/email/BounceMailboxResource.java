package dev.tocsin.channel.email;

import dev.tocsin.common.Roles;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The bounce mailbox as this instance last read it: whether bounces are coming in, and what stays unread. */
@Path("/api/bounces/mailbox")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Suppressions")
public class BounceMailboxResource {

    @Inject
    BounceMailbox mailbox;

    @GET
    @RolesAllowed({Roles.OPERATOR, Roles.AUDITOR, Roles.ADMIN})
    @Operation(operationId = "bounceMailboxState", summary = "The bounce mailbox's last pass on this instance",
            description = "configured, protocol, host, lastPassAt (null: this instance has not read it, another may"
                    + " hold the lease), lastError, settledSinceStart and unrecognized: messages left in the mailbox"
                    + " because they name no notice of ours (read them by hand: a relay's unusual bounce format,"
                    + " or mail that is not a bounce).")
    public BounceMailbox.State state() {
        return mailbox.state();
    }
}
