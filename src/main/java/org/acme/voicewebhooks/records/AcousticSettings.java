package org.acme.voicewebhooks.records;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

import org.acme.voicewebhooks.settings.InvalidSettingException;
import org.acme.voicewebhooks.settings.Settings;

/** Where acoustic records go, how they are batched, how their files roll and how long they are kept; checked once at start-up. */
public record AcousticSettings(
        Path dir,
        DateTimeFormatter timeSlot,
        long maxFileBytes,
        String instanceName,
        int retentionDays,
        long retentionSweepMs,
        long flushIntervalMs,
        long batchMaxBytes) {

    public static AcousticSettings from(Settings s) {
        String pattern = s.text("acoustic.file-time-pattern");
        DateTimeFormatter slot;
        try {
            slot = DateTimeFormatter.ofPattern(pattern).withZone(ZoneOffset.UTC);
        } catch (IllegalArgumentException e) {
            s.problem("acoustic.file-time-pattern is not a date-time pattern: '" + pattern + "'");
            slot = DateTimeFormatter.ISO_INSTANT;
        }
        return new AcousticSettings(
                Path.of(s.required("acoustic.dir", "ACOUSTIC_DIR")),
                slot,
                s.number("acoustic.max-file-bytes", 1024, Long.MAX_VALUE),
                s.instanceName(),
                (int) s.number("acoustic.retention-days", 0, 36_500),
                s.number("acoustic.retention-sweep-ms", 100, 86_400_000),
                s.number("acoustic.flush-interval-ms", 1, 10_000),
                s.number("acoustic.batch-max-bytes", 1, 268_435_456));
    }
}
