package org.acme.voicewebhooks.records;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.acme.voicewebhooks.asr.AsrEvent;
import org.acme.voicewebhooks.webhook.WebhookEvent;
import org.apache.camel.AggregationStrategy;
import org.apache.camel.Exchange;

/** Record lines (UTF-8, each with its line feed) collected for one append; kept as they came, never copied into one array. */
final class AcousticBatch {

    private final List<byte[]> lines = new ArrayList<>();
    /** Per line: the session id as the webhook received it, and when the record was taken (epoch ms). */
    private final List<String> sessions = new ArrayList<>();
    private final List<Long> taken = new ArrayList<>();
    private long bytes;

    void add(byte[] line) {
        add(line, null, 0);
    }

    void add(byte[] line, String sessionId, long takenAtMs) {
        lines.add(line);
        sessions.add(sessionId);
        taken.add(takenAtMs);
        bytes += line.length;
    }

    /** This batch without the lines of sessions erased after their record was taken; itself when none is. */
    AcousticBatch without(Map<String, Long> erasedAtMs) {
        if (erasedAtMs.isEmpty()) {
            return this;
        }
        AcousticBatch kept = new AcousticBatch();
        for (int i = 0; i < lines.size(); i++) {
            Long erased = sessions.get(i) == null ? null : erasedAtMs.get(sessions.get(i));
            if (erased == null || taken.get(i) > erased) {
                kept.add(lines.get(i), sessions.get(i), taken.get(i));
            }
        }
        return kept.records() == records() ? this : kept;
    }

    int records() {
        return lines.size();
    }

    long bytes() {
        return bytes;
    }

    /** The record lines, each with its line feed. */
    List<byte[]> lines() {
        return lines;
    }

    /** Fresh buffers over the lines, for one gathering write. */
    ByteBuffer[] buffers() {
        return lines.stream().map(ByteBuffer::wrap).toArray(ByteBuffer[]::new);
    }

    /** Adds each record's line (the body, as bytes) to the batch in the first exchange's body. */
    static AggregationStrategy collect() {
        return (batch, record) -> {
            byte[] line = record.getMessage().getBody(byte[].class);
            Exchange into = batch == null ? record : batch;
            if (batch == null) {
                into.getMessage().setBody(new AcousticBatch());
            }
            AsrEvent event = record.getProperty(WebhookEvent.PROPERTY, AsrEvent.class);
            into.getMessage().getBody(AcousticBatch.class).add(line, event == null ? null : event.sessionId(),
                    record.getClock().getCreated());
            return into;
        };
    }
}
