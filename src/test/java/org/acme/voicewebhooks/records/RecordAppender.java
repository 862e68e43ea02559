package org.acme.voicewebhooks.records;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * A live instance in a JVM of its own, for {@link AcousticRecordEraseTest}: appends batches to its current file as fast
 * as it can, each with one line of the session being erased and {@link #KEPT_PER_BATCH} lines of another; exits 1 when
 * a batch could not be written. Arguments: the record folder and the number of batches.
 */
final class RecordAppender {

    static final String INSTANCE = "live-a";
    static final String ERASED = "s-erased";
    static final String KEPT = "s-kept";
    static final int KEPT_PER_BATCH = 9;

    private RecordAppender() {
    }

    public static void main(String[] args) {
        Path dir = Path.of(args[0]);
        int batches = Integer.parseInt(args[1]);
        AcousticRecordWriter writer = AcousticRecordEraseTest.writer(dir, INSTANCE);
        for (int b = 0; b < batches; b++) {
            AcousticBatch batch = new AcousticBatch();
            batch.add(AcousticRecordEraseTest.line(ERASED, "batch " + b).getBytes(StandardCharsets.UTF_8));
            for (int i = 0; i < KEPT_PER_BATCH; i++) {
                batch.add(AcousticRecordEraseTest.line(KEPT, "batch " + b + " line " + i).getBytes(StandardCharsets.UTF_8));
            }
            if (!writer.write(batch)) {
                System.exit(1);
            }
        }
    }
}
