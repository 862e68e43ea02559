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

/**
 * Readiness of the dead-letter store: down from a failed write until the store can write again. A file store is
 * probed with a test file; any other endpoint is given another chance after {@link #RETRY_AFTER}.
 */
public final class DeadLetterStoreHealth extends AbstractHealthCheck {

    static final Duration RETRY_AFTER = Duration.ofSeconds(30);

    private final Path fileStoreDir;
    private final Clock clock;
    private volatile Instant failedAt;

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
        failedAt = clock.instant();
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        if (failedAt != null && canWriteAgain()) {
            failedAt = null;
        }
        if (failedAt == null) {
            builder.up();
        } else {
            builder.down().message("the dead-letter store could not take an entry at " + failedAt);
        }
    }

    private boolean canWriteAgain() {
        if (fileStoreDir == null) {
            return clock.instant().isAfter(failedAt.plus(RETRY_AFTER));
        }
        try {
            Files.createDirectories(fileStoreDir);
            Files.delete(Files.createTempFile(fileStoreDir, ".probe-", ".tmp"));
            return true;
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }
}
