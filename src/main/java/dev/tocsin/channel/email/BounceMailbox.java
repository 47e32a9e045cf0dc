package dev.tocsin.channel.email;

import dev.tocsin.common.SingletonLease;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.internet.MimeMessage;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Reads the bounce mailbox over IMAP and settles the deliveries its messages are about ({@link BounceParser},
 * {@link EmailFeedback}): by the bounce address (VERP) the notice went out with when a bounce domain is set (a
 * signed token: a made-up bounce cannot name someone else's notice), else by the returned Message-ID. A message is moved to the processed folder only after its outcome is committed, so a
 * crash in between reads it again on the next pass, and applying it again changes nothing (a settled delivery
 * does not move twice). A message that names no notice of ours (or a forged bounce address) stays in the
 * mailbox for a person to look at; how many there are is the gauge tocsin.bounces.unrecognized. One instance
 * reads at a time ({@link SingletonLease}).
 */
@ApplicationScoped
public class BounceMailbox {

    private static final Logger LOG = Logger.getLogger(BounceMailbox.class);

    /** Messages read per pass: a large backlog drains over several passes. */
    static final int PER_PASS = 200;

    static final String LEASE = "bounce-mailbox";

    @Inject
    BounceConfig config;

    @Inject
    EmailFeedback feedback;

    @Inject
    EmailConfig email;

    @Inject
    SingletonLease lease;

    private final AtomicLong unrecognized = new AtomicLong();
    private final AtomicLong processed = new AtomicLong();

    @Inject
    void metrics(MeterRegistry registry) {
        registry.gauge("tocsin.bounces.unrecognized", unrecognized);
        registry.gauge("tocsin.bounces.processed", processed);
    }

    /** Messages left in the mailbox because they name no notice of ours (after the last pass). */
    public long unrecognized() {
        return unrecognized.get();
    }

    @Scheduled(every = "${tocsin.bounce.poll-every}", delay = 3, delayUnit = java.util.concurrent.TimeUnit.SECONDS,
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void poll() {
        if (config.imap().host().filter(h -> !h.isBlank()).isEmpty()) {
            return;
        }
        if (!lease.take(LEASE, Duration.ofMinutes(2))) {
            return; // another instance reads it
        }
        try {
            readOnce();
        } catch (MessagingException | RuntimeException e) {
            LOG.warnf("the bounce mailbox could not be read (will try again): %s", e.getMessage());
        }
    }

    /** One pass over the mailbox. */
    void readOnce() throws MessagingException {
        BounceConfig.Imap imap = config.imap();
        String protocol = imap.ssl() ? "imaps" : "imap";
        Properties props = new Properties();
        props.put("mail." + protocol + ".connectiontimeout", "10000");
        props.put("mail." + protocol + ".timeout", "30000");
        Session session = Session.getInstance(props);
        try (Store store = session.getStore(protocol)) {
            store.connect(imap.host().get(), imap.port(), imap.username().orElse(""), imap.password().orElse(""));
            Folder inbox = store.getFolder(imap.folder());
            Folder done = store.getFolder(imap.processedFolder());
            if (!done.exists()) {
                done.create(Folder.HOLDS_MESSAGES);
            }
            inbox.open(Folder.READ_WRITE);
            long left = 0;
            try {
                Message[] messages = inbox.getMessages(1, Math.min(inbox.getMessageCount(), PER_PASS));
                for (Message m : messages) {
                    if (m.isSet(Flags.Flag.DELETED)) {
                        continue;
                    }
                    if (applyOne((MimeMessage) m)) {
                        inbox.copyMessages(new Message[]{m}, done);
                        m.setFlag(Flags.Flag.DELETED, true);
                        processed.incrementAndGet();
                    } else {
                        left++;
                    }
                }
            } finally {
                inbox.close(true); // expunge what was moved
            }
            unrecognized.set(left);
        }
    }

    /** Whether the message was about one of our notices (and its outcome is committed). */
    private boolean applyOne(MimeMessage message) {
        try {
            BounceParser.Report report = BounceParser.parse(message);
            if (report == null) {
                return false;
            }
            // Our Message-IDs can be guessed; our bounce addresses cannot. With a bounce domain, only a bounce to one
            // of them counts (anyone can mail a made-up DSN to the mailbox); without one, the returned Message-ID.
            boolean verp = email.email().bounceDomain().filter(d -> !d.isBlank()).isPresent();
            if (verp && report.bounceAddress() == null) {
                return false;
            }
            EmailFeedback.Result result = feedback.apply(report.kind(), verp ? null : report.originalMessageId(),
                    report.bounceAddress(), report.detail());
            // by address alone nothing of ours is named: only a bounce to our address or with our Message-ID counts
            return result == EmailFeedback.Result.SETTLED || result == EmailFeedback.Result.NOTED
                    || result == EmailFeedback.Result.IGNORED;
        } catch (Exception e) {
            LOG.debugf("a message in the bounce mailbox could not be read: %s", e.getMessage());
            return false;
        }
    }
}
