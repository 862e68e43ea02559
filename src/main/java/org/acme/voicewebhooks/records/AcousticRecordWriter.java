package org.acme.voicewebhooks.records;

import static java.nio.file.StandardOpenOption.CREATE;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.acme.voicewebhooks.observe.WebhookMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Appends batches of record lines to this instance's current file, one batch at a time, so lines never interleave. A
 * failed append is cut back to the file's last whole line and tried again; a batch that still cannot be written is
 * counted as lost and logged once, with its size and file name, never its records.
 */
final class AcousticRecordWriter {

    /** Tries per batch; the pause before a retry grows by the backoff each time. */
    static final int ATTEMPTS = 3;

    private static final Logger LOG = LoggerFactory.getLogger("acoustic-records");

    /** Opens a record file for reading its tail and writing. */
    interface Opener {
        FileChannel open(Path file) throws IOException;
    }

    private final Path dir;
    private final AcousticRecords records;
    private final WebhookMetrics metrics;
    private final Opener opener;
    private final Duration backoff;

    AcousticRecordWriter(Path dir, AcousticRecords records, WebhookMetrics metrics) {
        // no APPEND: it excludes READ, and this writer is the only one of its files (one per instance, one batch at a time)
        this(dir, records, metrics, file -> FileChannel.open(file, CREATE, READ, WRITE), Duration.ofMillis(50));
    }

    AcousticRecordWriter(Path dir, AcousticRecords records, WebhookMetrics metrics, Opener opener, Duration backoff) {
        this.dir = dir;
        this.records = records;
        this.metrics = metrics;
        this.opener = opener;
        this.backoff = backoff;
    }

    /** Appends the batch whole, or counts its records as lost; true when they are on disk. */
    synchronized boolean write(AcousticBatch batch) {
        String name = null;
        for (int attempt = 1; ; attempt++) {
            try {
                if (name == null) {
                    name = records.fileFor(batch.bytes());
                }
                append(dir.resolve(name), batch);
            } catch (IOException | RuntimeException e) {
                String failure = (e instanceof UncheckedIOException ? e.getCause() : e).getClass().getSimpleName();
                Path file = name == null ? dir : dir.resolve(name);
                if (attempt == ATTEMPTS || !pause(attempt)) {
                    metrics.acousticRecordsLost(batch.records());
                    LOG.error("{} acoustic records ({} bytes) could not be appended to {} in {} attempts ({}); counted as lost",
                            batch.records(), batch.bytes(), file, attempt, failure);
                    return false;
                }
                LOG.warn("appending {} acoustic records to {} failed ({}); trying again", batch.records(), file, failure);
                continue;
            }
            metrics.acousticRecords(batch.records(), batch.bytes());
            return true;
        }
    }

    /** One append; the file ends in a whole line before it and after it, whatever fails in between. */
    private void append(Path file, AcousticBatch batch) throws IOException {
        Files.createDirectories(dir);
        FileChannel channel = opener.open(file);
        try {
            long end = wholeLinesEnd(channel, file);
            try {
                channel.position(end);
                ByteBuffer[] lines = batch.buffers();
                for (long left = batch.bytes(); left > 0; ) {
                    left -= channel.write(lines);
                }
                channel.force(false);
            } catch (IOException | RuntimeException e) {
                cutBack(channel, file, end);
                throw e;
            }
        } finally {
            closeForced(channel);
        }
    }

    /** Removes what a failed append left after the last whole line; if that fails too, the next append does it. */
    private static void cutBack(FileChannel channel, Path file, long end) {
        try {
            channel.truncate(end);
        } catch (IOException e) {
            LOG.warn("could not cut {} back to its last whole line ({}); the next append to it will", file,
                    e.getClass().getSimpleName());
        }
    }

    /** Where the last whole line of the file ends; an unfinished line after it (an append cut short) is cut off. */
    private static long wholeLinesEnd(FileChannel channel, Path file) throws IOException {
        long size = channel.size();
        if (size == 0 || read(channel, ByteBuffer.allocate(1), size - 1).get(0) == '\n') {
            return size;
        }
        long end = 0;
        ByteBuffer chunk = ByteBuffer.allocate(8192);
        for (long from = size; from > 0 && end == 0; ) {
            int n = (int) Math.min(chunk.capacity(), from);
            from -= n;
            read(channel, chunk.clear().limit(n), from);
            for (int i = n - 1; i >= 0 && end == 0; i--) {
                if (chunk.get(i) == '\n') {
                    end = from + i + 1;
                }
            }
        }
        channel.truncate(end);
        LOG.warn("cut an unfinished line of {} bytes off the end of {}", size - end, file);
        return end;
    }

    private static ByteBuffer read(FileChannel channel, ByteBuffer into, long position) throws IOException {
        while (into.hasRemaining()) {
            if (channel.read(into, position + into.position()) < 0) {
                break;
            }
        }
        return into;
    }

    private static void closeForced(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            // the batch was forced to disk (or cut back) before: a failed close loses nothing
        }
    }

    /** Waits before the next try; false when interrupted (a stop that cannot wait). */
    private boolean pause(int attempt) {
        try {
            TimeUnit.NANOSECONDS.sleep(backoff.toNanos() * attempt);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
