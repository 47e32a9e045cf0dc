package dev.tocsin.channel.email;

import dev.tocsin.common.SingletonLease;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.mail.FetchProfile;
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
 * Reads the bounce mailbox over IMAP (or POP3) and settles the deliveries its messages are about ({@link BounceParser},
 * {@link EmailFeedback}): by the bounce address (VERP) the notice went out with when a bounce domain is set (a
 * signed token: a made-up bounce cannot name someone else's notice), else by the returned Message-ID. A message
 * is moved to the processed folder only after its outcome is committed, so a crash in between reads it again on
 * the next pass; its outcome was committed with the message's own identity (its Message-ID, else a hash of its
 * bytes) as a receipt, so applying it again changes nothing. A message that names no notice of ours (or a forged bounce address) stays in the
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

    /** Runs between an outcome's commit and the move: a test stands a crash there. */
    private volatile Runnable afterCommit = () -> { };

    /** For tests: what happens between a commit and the move (a method, so it reaches the bean behind its proxy). */
    void afterCommit(Runnable hook) {
        afterCommit = hook == null ? () -> { } : hook;
    }

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

    private volatile java.time.OffsetDateTime lastPass;
    private volatile String lastError;

    /** What an operator asks when bounces seem not to arrive: is it read, when last, what stays there. */
    public record State(boolean configured, String protocol, String host, java.time.OffsetDateTime lastPassAt,
                        String lastError, long settledSinceStart, long unrecognized) {
    }

    public State state() {
        BounceConfig.Imap imap = config.imap();
        boolean configured = imap.host().filter(h -> !h.isBlank()).isPresent();
        return new State(configured, configured ? imap.protocol().toLowerCase(java.util.Locale.ROOT) : null,
                imap.host().filter(h -> !h.isBlank()).orElse(null), lastPass, lastError, processed.get(), unrecognized.get());
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
            readOnce(config.imap(), idleFor());
            lastError = null;
        } catch (MessagingException | RuntimeException e) {
            lastError = String.valueOf(e.getMessage());
            LOG.warnf("the bounce mailbox could not be read (will try again): %s", e.getMessage());
        }
    }

    /** Messages whose headers are looked at per pass at most: a mailbox full of strangers' mail stays cheap. */
    static final int SCAN_PER_PASS = 5_000;

    /** The longest one pass waits in IMAP IDLE for new bounces (under the worker pool's blocked-thread warning). */
    static final Duration IDLE_FOR = Duration.ofSeconds(40);

    /** Receipts of messages already found to name nothing of ours: not parsed again on every pass. */
    private final java.util.Set<String> strangers = java.util.Collections.newSetFromMap(
            new java.util.LinkedHashMap<>(1024, 0.75f, false) {
                @Override
                protected boolean removeEldestEntry(java.util.Map.Entry<String, Boolean> eldest) {
                    return size() > 50_000;
                }
            });

    /**
     * One pass over the mailbox: IMAP moves each settled message to the processed folder, POP3 (which has no
     * folders) deletes it; both only after its outcome is committed. Where the IMAP server offers IDLE (and
     * tocsin.bounce.imap.idle is on), the pass then waits for new messages and reads each as it arrives.
     */
    void readOnce(BounceConfig.Imap imap, Duration idleFor) throws MessagingException {
        boolean pop3 = imap.protocol().equalsIgnoreCase("pop3");
        String protocol = (pop3 ? "pop3" : "imap") + (imap.ssl() ? "s" : "");
        Properties props = new Properties();
        props.put("mail." + protocol + ".connectiontimeout", "10000");
        props.put("mail." + protocol + ".timeout", String.valueOf(idleFor.toMillis() + 30_000));
        Session session = Session.getInstance(props);
        try (Store store = session.getStore(protocol)) {
            open = store;
            store.connect(imap.host().get(), imap.port(), imap.username().orElse(""), imap.password().orElse(""));
            Folder inbox = store.getFolder(pop3 ? "INBOX" : imap.folder());
            Folder done = null;
            if (!pop3) {
                done = store.getFolder(imap.processedFolder());
                if (!done.exists()) {
                    done.create(Folder.HOLDS_MESSAGES);
                }
            }
            inbox.open(Folder.READ_WRITE);
            try {
                drain(inbox, done);
                if (!pop3 && imap.idle() && !idleFor.isZero() && inbox instanceof org.eclipse.angus.mail.imap.IMAPFolder watched
                        && ((org.eclipse.angus.mail.imap.IMAPStore) store).hasCapability("IDLE")) {
                    idle(watched, done, idleFor);
                }
            } finally {
                if (inbox.isOpen()) {
                    inbox.close(true); // expunge what was moved (IMAP) or delete it (POP3: DELE before QUIT)
                }
            }
        } finally {
            open = null;
        }
    }

    /** The connection a pass holds (it may be waiting in IDLE), closed when the application stops. */
    private volatile Store open;

    void onStop(@jakarta.enterprise.event.Observes io.quarkus.runtime.ShutdownEvent stop) {
        Store store = open;
        if (store != null) {
            try {
                store.close(); // ends IDLE: the pass returns instead of holding the stop up
            } catch (MessagingException e) {
                LOG.debugf("closing the bounce mailbox: %s", e.getMessage());
            }
        }
    }

    /**
     * How long a pass waits in IDLE: until the next pass would start (so a notification the server never sends
     * costs no more than polling would), and under the worker pool's blocked-thread warning.
     */
    Duration idleFor() {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d{1,6})([smh])").matcher(config.pollEvery().strip());
        if (!m.matches()) {
            return Duration.ZERO;
        }
        long n = Long.parseLong(m.group(1));
        Duration every = switch (m.group(2)) {
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            default -> Duration.ofHours(n);
        };
        return every.compareTo(IDLE_FOR) < 0 ? every : IDLE_FOR;
    }

    /** Waits in IDLE up to {@code idleFor}, reading the mailbox each time the server says something changed. */
    private void idle(org.eclipse.angus.mail.imap.IMAPFolder inbox, Folder done, Duration idleFor) throws MessagingException {
        long until = System.nanoTime() + idleFor.toNanos();
        java.util.concurrent.ScheduledExecutorService timer = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "bounce-mailbox-idle-timer");
            t.setDaemon(true);
            return t;
        });
        try {
            // any command on the folder from another thread ends IDLE: the timer's NOOP ends the wait on time
            timer.schedule(() -> {
                try {
                    inbox.doCommand(p -> {
                        p.simpleCommand("NOOP", null);
                        return null;
                    });
                } catch (MessagingException | RuntimeException e) {
                    LOG.debugf("ending IDLE: %s", e.getMessage());
                }
            }, idleFor.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
            while (System.nanoTime() < until && inbox.isOpen()) {
                inbox.idle(true);
                LOG.debugf("bounce mailbox: IDLE returned (%d messages)", inbox.getMessageCount());
                drain(inbox, done);
            }
        } finally {
            timer.shutdownNow();
        }
    }

    /** Settles what the mailbox's messages name, up to {@link #PER_PASS} parsed per call. */
    private void drain(Folder inbox, Folder done) throws MessagingException {
        lastPass = java.time.OffsetDateTime.now();
        int count = inbox.getMessageCount();
        if (count == 0) {
            unrecognized.set(0);
            return;
        }
        Message[] messages = inbox.getMessages(1, Math.min(count, SCAN_PER_PASS));
        FetchProfile headers = new FetchProfile();
        headers.add(FetchProfile.Item.ENVELOPE);
        headers.add(FetchProfile.Item.FLAGS);
        inbox.fetch(messages, headers);
        long left = 0;
        int parsed = 0;
        for (Message m : messages) {
            if (m.isExpunged() || m.isSet(Flags.Flag.DELETED)) {
                continue;
            }
            String receipt;
            try {
                receipt = receipt((MimeMessage) m);
            } catch (java.io.IOException | MessagingException e) {
                left++;
                continue;
            }
            if (strangers.contains(receipt)) {
                left++;
                continue;
            }
            if (parsed++ >= PER_PASS) {
                continue; // the next pass reads it
            }
            boolean ours = applyOne((MimeMessage) m, receipt);
            LOG.debugf("bounce mailbox: message %d %s", m.getMessageNumber(), ours ? "settled" : "names nothing of ours");
            if (ours) {
                afterCommit.run();
                if (done != null) {
                    inbox.copyMessages(new Message[]{m}, done);
                }
                m.setFlag(Flags.Flag.DELETED, true);
                processed.incrementAndGet();
            } else {
                strangers.add(receipt);
                left++;
            }
        }
        unrecognized.set(left + Math.max(0, count - SCAN_PER_PASS));
    }

    /** The message's own identity: its Message-ID, else its bytes (both hashed: a header is not a key). */
    static String receipt(MimeMessage message) throws MessagingException, java.io.IOException {
        String id = message.getMessageID();
        byte[] what;
        if (id != null && !id.isBlank()) {
            what = id.strip().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        } else {
            java.io.ByteArrayOutputStream raw = new java.io.ByteArrayOutputStream();
            message.writeTo(raw);
            what = raw.toByteArray();
        }
        try {
            return "mailbox:" + java.util.HexFormat.of().formatHex(
                    java.security.MessageDigest.getInstance("SHA-256").digest(what));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Whether the message was about one of our notices (and its outcome is committed). */
    private boolean applyOne(MimeMessage message, String receipt) {
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
                    report.bounceAddress(), report.detail(), receipt);
            // by address alone nothing of ours is named: only a bounce to our address or with our Message-ID counts
            return result == EmailFeedback.Result.SETTLED || result == EmailFeedback.Result.RETRYING
                    || result == EmailFeedback.Result.NOTED || result == EmailFeedback.Result.IGNORED;
        } catch (Exception e) {
            LOG.debugf("a message in the bounce mailbox could not be read: %s", e.getMessage());
            return false;
        }
    }
}
