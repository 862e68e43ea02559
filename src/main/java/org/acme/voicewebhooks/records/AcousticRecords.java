package org.acme.voicewebhooks.records;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.acme.voicewebhooks.asr.AsrDecision;
import org.acme.voicewebhooks.asr.AsrEvent;

/**
 * Acoustic records: one JSON line per utterance, in files named {@code acoustic-<time slot>-<instance>[-<n>].jsonl}
 * that roll with the time slot and when the next line would pass the size limit.
 */
public final class AcousticRecords {

    private final ObjectMapper json;
    private final AcousticSettings settings;
    private final Clock clock;
    private final AcousticPrivacy privacy;

    private String slot;
    private int sequence;
    private long size;

    public AcousticRecords(ObjectMapper json, AcousticSettings settings, Clock clock) {
        this(json, settings, clock, AcousticPrivacy.off());
    }

    public AcousticRecords(ObjectMapper json, AcousticSettings settings, Clock clock, AcousticPrivacy privacy) {
        this.json = json;
        this.settings = settings;
        this.clock = clock;
        this.privacy = privacy;
    }

    /** The session id as this service's records carry it (pseudonymised with a key). */
    public String recordedSessionId(String sessionId) {
        return privacy.sessionId(sessionId);
    }

    /** The record's JSON line, with its line feed. */
    public String line(AsrEvent event, AsrDecision decision) {
        ObjectNode record = json.createObjectNode()
                .put("timestamp", Instant.now(clock).toString())
                .put("sessionId", privacy.sessionId(event.sessionId()))
                .put("flowId", event.flowId())
                .put("utterance", privacy.utterance(event.asr().text()))
                .put("confidence", event.confidence());
        AsrEvent.Audio audio = event.audio();
        record.put("durationMs", audio == null ? null : audio.durationMs())
                .put("sampleRate", audio == null ? null : audio.sampleRate())
                .put("rawFeatures", audio == null ? null : audio.features())
                .put("belowThreshold", decision.belowThreshold());
        if (decision.shadowBelowThreshold() != null) {
            record.put("shadowBelowThreshold", decision.shadowBelowThreshold());
        }
        return record + "\n";
    }

    /** The file the next line of {@code bytes} goes to; moves to a new file when the slot changes or it would grow too big. */
    public synchronized String fileFor(long bytes) {
        String now = settings.timeSlot().format(clock.instant());
        if (!now.equals(slot)) {
            resumeFromDisk(now);
            slot = now;
        }
        if (size > 0 && size + bytes > settings.maxFileBytes()) {
            sequence++;
            size = 0;
        }
        size += bytes;
        return name(sequence);
    }

    /** Files were rewritten (a session erased): the next line reads the current file's size from disk again. */
    synchronized void reread() {
        slot = null;
    }

    /** Whether a file is a record file of any instance (the names the retention deletes too). */
    static boolean isRecordFile(String fileName) {
        return fileName.startsWith("acoustic-") && fileName.endsWith(".jsonl");
    }

    private String name(int n) {
        return name(slot, n);
    }

    private String name(String timeSlot, int n) {
        return "acoustic-" + timeSlot + "-" + settings.instanceName() + (n == 0 ? "" : "-" + n) + ".jsonl";
    }

    /**
     * After a restart, appends to the newest file of the slot (this instance's files only). A folder that cannot be
     * listed leaves the slot unread, so the next batch looks again.
     */
    private void resumeFromDisk(String timeSlot) {
        Pattern mine = Pattern.compile(Pattern.quote("acoustic-" + timeSlot + "-" + settings.instanceName()) + "(?:-(\\d+))?\\.jsonl");
        int newest = 0;
        long newestSize = 0;
        try (Stream<Path> files = Files.list(settings.dir())) {
            newest = files.map(file -> mine.matcher(file.getFileName().toString())).filter(Matcher::matches)
                    .mapToInt(m -> m.group(1) == null ? 0 : Integer.parseInt(m.group(1))).max().orElse(0);
            Path newestFile = settings.dir().resolve(name(timeSlot, newest));
            newestSize = Files.exists(newestFile) ? Files.size(newestFile) : 0;
        } catch (NoSuchFileException noFolderYet) {
            // the writer creates the folder with the first batch
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        sequence = newest;
        size = newestSize;
    }
}
