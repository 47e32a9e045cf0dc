package dev.tocsin.common;

import dev.tocsin.channel.email.EmailGateway;
import dev.tocsin.channel.push.PushGateway;
import dev.tocsin.channel.sms.SmsGateway;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.runtime.configuration.ConfigUtils;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/** Tells the operator at start where data lives and where notices go, so nobody mails real people by surprise. */
public class StartupBanner {

    private static final Logger LOG = Logger.getLogger(StartupBanner.class);

    @Inject
    EmailGateway email;

    @Inject
    SmsGateway sms;

    @Inject
    PushGateway push;

    @ConfigProperty(name = "tocsin.messaging.in-process")
    boolean inProcess;

    @ConfigProperty(name = "quarkus.datasource.db-kind")
    String dbKind;

    void onStart(@Observes StartupEvent event) {
        LOG.infof("Tocsin started (profiles %s): database %s, delivery queue %s; email notices go to %s, SMS to %s,"
                        + " push to %s", ConfigUtils.getProfiles(), dbKind, inProcess ? "in-process" : "RabbitMQ",
                email.describe(), sms.describe(), push.describe());
    }
}
