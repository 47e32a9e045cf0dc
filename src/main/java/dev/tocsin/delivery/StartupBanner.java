package dev.tocsin.delivery;

import io.quarkus.runtime.StartupEvent;
import io.quarkus.runtime.configuration.ConfigUtils;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.util.Comparator;
import java.util.stream.Collectors;

/** Tells the operator at start where data lives and where notices go, so nobody mails real people by surprise. */
public class StartupBanner {

    @Inject
    DeliveryConfig config;

    private static final Logger LOG = Logger.getLogger(StartupBanner.class);

    @Inject
    @Any
    Instance<ChannelSender> senders;

    @ConfigProperty(name = "quarkus.datasource.db-kind")
    String dbKind;

    void onStart(@Observes StartupEvent event) {
        String channels = senders.stream().sorted(Comparator.comparing(ChannelSender::channel))
                .map(s -> s.channel().code() + " notices go to " + s.describe()).collect(Collectors.joining(", "));
        LOG.infof("Tocsin started (profiles %s): database %s, delivery queue %s; %s", ConfigUtils.getProfiles(), dbKind,
                config.messaging().inProcess() ? "in-process" : "RabbitMQ", channels);
    }
}
