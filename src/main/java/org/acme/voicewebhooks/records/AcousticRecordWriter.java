package org.acme.voicewebhooks.records;

import static java.nio.file.StandardOpenOption.CREATE;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.ObjectMapper;

import org.acme.voicewebhooks.observe.WebhookMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Appends batches of record lines to this instance's current file, one batch at a time, so lines never interleave, each
 * under the file's {@link RecordFileLock}, so an erasure on any instance never loses one. A failed append is cut back to
 * the file's last whole line and tried again; a batch that still cannot be written is counted as lost and logged once,
 * with its size and file name, never its records.
 */
final class AcousticRecordWriter {

    /** Tries per batch; the pause before a retry grows by the backoff each time. */
    static final int ATTEMPTS = 3;

    private static final Logger LOG = LoggerFactory.getLogger("acoustic-records");
    /** How long an erasure drops the session's records that were taken before it and come late. */
    static final Duration ERASURE_MEMORY = Duration.ofMinutes(10);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Opens a record file for reading its tail and writing. */
    interface Opener {
        FileChannel open(Path file) throws IOException;
    }

    private final Path dir;
    private final AcousticRecords records;
    private final WebhookMetrics metrics;
    private final Opener opener;
    private final Duration backoff;
    /** Sessions erased lately, by the session id as received, with when (epoch ms). */
    private final Map<String, Long> erasedAtMs = new HashMap<>();

    AcousticRecordWriter(Path dir, AcousticRecords records, WebhookMetrics metrics) {
        // no APPEND: it excludes READ, and this writer is the only one appending to its files (one batch at a time)
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
        batch = unerased(batch);
        if (batch.records() == 0) {
            return true;
        }
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

    /**
     * The batch without the records of sessions erased after those records were taken (they waited in the aggregator
     * or in a RabbitMQ outage when the erasure ran). An erasure is remembered for {@link #ERASURE_MEMORY}: far longer
     * than a record waits for its write.
     */
    synchronized AcousticBatch unerased(AcousticBatch batch) {
        if (!erasedAtMs.isEmpty()) {
            long forgetBefore = System.currentTimeMillis() - ERASURE_MEMORY.toMillis();
            erasedAtMs.values().removeIf(at -> at < forgetBefore);
        }
        return batch.without(erasedAtMs);
    }

    /**
     * Removes every line of the session from every record file in the folder, whichever instance wrote it (pods are
     * renamed at every rollout): a file that holds one is copied without those lines to a temporary file, synced, given
     * the original's modification time (its retention stays) and moved over it atomically, so a reader sees the old file
     * or the new one, never a torn line. Records of the session still waiting for this instance's write are dropped
     * when they come. Returns the lines removed from the files.
     *
     * @param sessionId the session id as the webhook received it
     * @param recorded  the same id as the record lines carry it
     */
    int erase(String sessionId, String recorded) throws IOException {
        synchronized (this) {
            // first: a batch written from now on leaves the session out, so a file erased stays erased
            erasedAtMs.put(sessionId, System.currentTimeMillis());
        }
        byte[] needle = ("\"sessionId\":" + JSON.writeValueAsString(recorded)).getBytes(StandardCharsets.UTF_8);
        int removed = 0;
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        List<Path> files;
        try (Stream<Path> listed = Files.list(dir)) {
            files = listed.filter(f -> AcousticRecords.isRecordFile(f.getFileName().toString())).sorted().toList();
        }
        for (Path file : files) {
            // each file rewritten under the lock its writer, of any live instance, takes per append: no append is lost
            int fromFile = RecordFileLock.holding(dir, file.getFileName().toString(), () -> eraseFrom(file, needle));
            if (fromFile > 0) {
                records.reread();
            }
            removed += fromFile;
        }
        return removed;
    }

    /** Rewrites the file without the lines holding the needle; untouched when it has none. */
    private int eraseFrom(Path file, byte[] needle) throws IOException {
        Path temp = file.resolveSibling(".erasing-" + file.getFileName() + ".tmp");
        int removed = 0;
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 65_536);
                OutputStream out = new BufferedOutputStream(Files.newOutputStream(temp, CREATE, WRITE,
                        StandardOpenOption.TRUNCATE_EXISTING), 65_536)) {
            ByteArrayOutputStream line = new ByteArrayOutputStream(1024);
            for (int b = in.read(); ; b = in.read()) {
                if (b >= 0) {
                    line.write(b);
                }
                if ((b == '\n' || b < 0) && line.size() > 0) {
                    // an unfinished last line stays as it is: the next append cuts it off
                    if (contains(line.toByteArray(), needle)) {
                        removed++;
                    } else {
                        line.writeTo(out);
                    }
                    line.reset();
                }
                if (b < 0) {
                    break;
                }
            }
        } catch (NoSuchFileException gone) {
            // the retention deleted it meanwhile: its lines are gone too
            Files.deleteIfExists(temp);
            return 0;
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(temp);
            throw e;
        }
        if (removed == 0) {
            Files.delete(temp);
            return 0;
        }
        try (FileChannel synced = FileChannel.open(temp, WRITE)) {
            synced.force(true);
        }
        Files.setLastModifiedTime(temp, Files.getLastModifiedTime(file));
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        return removed;
    }

    private static boolean contains(byte[] line, byte[] needle) {
        outer:
        for (int i = 0; i <= line.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (line[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    /** One append; the file ends in a whole line before it and after it, whatever fails in between. */
    private void append(Path file, AcousticBatch batch) throws IOException {
        Files.createDirectories(dir);
        RecordFileLock.holding(dir, file.getFileName().toString(), () -> {
            appendLocked(file, batch);
            return null;
        });
    }

    private void appendLocked(Path file, AcousticBatch batch) throws IOException {
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
