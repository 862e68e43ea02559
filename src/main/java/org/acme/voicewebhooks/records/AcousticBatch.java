package org.acme.voicewebhooks.records;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import org.apache.camel.AggregationStrategy;
import org.apache.camel.Exchange;

/** Record lines (UTF-8, each with its line feed) collected for one append; kept as they came, never copied into one array. */
final class AcousticBatch {

    private final List<byte[]> lines = new ArrayList<>();
    private long bytes;

    void add(byte[] line) {
        lines.add(line);
        bytes += line.length;
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
            into.getMessage().getBody(AcousticBatch.class).add(line);
            return into;
        };
    }
}
