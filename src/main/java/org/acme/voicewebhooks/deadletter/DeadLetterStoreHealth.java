package org.acme.voicewebhooks.deadletter;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Readiness of the dead-letter store: down from a failed write, or from the start when the file store's folder cannot
 * be written, until the store can write again. A file store is probed with a test file; any other endpoint is given
 * another chance after {@link #RETRY_AFTER}.
 */
public final class DeadLetterStoreHealth extends AbstractHealthCheck {

    static final Duration RETRY_AFTER = Duration.ofSeconds(30);
    private static final Logger LOG = LoggerFactory.getLogger("dead-letter-store");

    private final Path fileStoreDir;
    private final Clock clock;
    private volatile Instant failedAt;
    private volatile String downReason;

    /** {@code fileStoreDir} is the folder of a file store, or null when the store is another endpoint. */
    public DeadLetterStoreHealth(Path fileStoreDir, Clock clock) {
        super("webhooks", "dead-letter-store");
        this.fileStoreDir = fileStoreDir;
        this.clock = clock;
    }

    @Override
    public boolean isLiveness() {
        return false;   // a restart does not mend a full disk; only taking no new webhooks helps
    }

    public void stored() {
        failedAt = null;
    }

    public void failed() {
        Instant now = clock.instant();
        downReason = "the dead-letter store could not take an entry at " + now;
        failedAt = now;
    }

    /**
     * Probes the file store's folder as the service starts: one that cannot be created or written takes readiness down
     * from the start, with one ERROR line naming DEAD_LETTER_DIR, rather than the first failed command finding out.
     */
    public void probeAtStartUp() {
        if (fileStoreDir == null) {
            return;
        }
        try {
            probe();
        } catch (IOException | UnsupportedOperationException e) {
            downReason = "the dead-letter store cannot write to its folder DEAD_LETTER_DIR (" + e.getClass().getSimpleName() + ")";
            failedAt = clock.instant();
            // the class only: an I/O exception's message is a path or an OS text, and its trace helps no operator
            LOG.error("dead-letter store: DEAD_LETTER_DIR {} cannot be written ({}); readiness is DOWN (check "
                    + "dead-letter-store) until it can", fileStoreDir, e.getClass().getSimpleName());
        }
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        if (failedAt != null && canWriteAgain()) {
            failedAt = null;
        }
        if (failedAt == null) {
            builder.up();
        } else {
            builder.down().message(downReason);
        }
    }

    private boolean canWriteAgain() {
        if (fileStoreDir == null) {
            return clock.instant().isAfter(failedAt.plus(RETRY_AFTER));
        }
        try {
            probe();
            return true;
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    private void probe() throws IOException {
        Files.createDirectories(fileStoreDir);
        Files.delete(Files.createTempFile(fileStoreDir, ".probe-", ".tmp"));
    }
}
