package org.acme.voicewebhooks.records;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.acme.voicewebhooks.observe.WebhookMetrics;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The writer's erasure: a session's lines go from every file, the rest stays byte for byte, late records are dropped. */
class AcousticRecordEraseTest {

    @TempDir
    Path dir;

    private AcousticRecordWriter writer() {
        return writer(dir, "test");
    }

    /** A writer of instance {@code instance}, its file {@code acoustic-slot-<instance>.jsonl}. */
    static AcousticRecordWriter writer(Path dir, String instance) {
        DefaultCamelContext camel = new DefaultCamelContext();
        camel.getRegistry().bind("meters", MeterRegistry.class, new SimpleMeterRegistry());
        AcousticSettings settings = new AcousticSettings(dir, DateTimeFormatter.ofPattern("'slot'").withZone(ZoneOffset.UTC),
                1L << 30, instance, 0, 1000, 100, 1 << 20);
        return new AcousticRecordWriter(dir, new AcousticRecords(new ObjectMapper(), settings, Clock.systemUTC()),
                new WebhookMetrics(camel), path -> java.nio.channels.FileChannel.open(path, java.nio.file.StandardOpenOption.CREATE,
                        java.nio.file.StandardOpenOption.READ, java.nio.file.StandardOpenOption.WRITE), Duration.ZERO);
    }

    static String line(String session, String text) {
        return "{\"timestamp\":\"t\",\"sessionId\":\"" + session + "\",\"utterance\":\"" + text + "\"}\n";
    }

    @Test
    void theSessionsLinesLeaveEveryRecordFileWhicheverInstanceWroteItAndTheRestStaysAsItWas() throws Exception {
        Path older = dir.resolve("acoustic-old1-test-1.jsonl");
        // another instance's file on a shared volume, or an earlier name of this one (pods are renamed at each rollout)
        Path theirs = dir.resolve("acoustic-slot-pod-test.jsonl");
        Files.writeString(theirs, line("s-1", "theirs") + line("s-3", "theirs too"));
        Path current = dir.resolve("acoustic-slot-test.jsonl");
        Path unrelated = dir.resolve("notes.txt");
        Files.writeString(older, line("s-1", "a") + line("s-10", "b") + line("s-1", "c") + "{\"sessionId\":\"s-2\",\"unfin");
        Files.writeString(current, line("s-2", "d") + line("s-1", "e"));
        Files.writeString(unrelated, line("s-1", "kept, not a record file"));
        FileTime monthOld = FileTime.from(Instant.parse("2026-10-01T00:00:00Z"));
        Files.setLastModifiedTime(older, monthOld);

        int removed = writer().erase("s-1", "s-1");

        assertThat(removed).isEqualTo(4);
        assertThat(Files.readString(older)).isEqualTo(line("s-10", "b") + "{\"sessionId\":\"s-2\",\"unfin");
        assertThat(Files.readString(current)).isEqualTo(line("s-2", "d"));
        assertThat(Files.readString(unrelated)).isEqualTo(line("s-1", "kept, not a record file"));
        assertThat(Files.readString(theirs)).isEqualTo(line("s-3", "theirs too"));
        assertThat(Files.getLastModifiedTime(older)).as("the retention still counts from the last record").isEqualTo(monthOld);
        try (var files = Files.list(dir)) {
            assertThat(files.map(f -> f.getFileName().toString())).noneMatch(n -> n.endsWith(".tmp"));
        }
    }

    @Test
    void aSessionIdIsMatchedAsJsonWritesIt() throws Exception {
        ObjectMapper json = new ObjectMapper();
        String odd = "sess \"quoted\" \u00e9\\";
        Path file = dir.resolve("acoustic-slot-test.jsonl");
        Files.writeString(file, json.createObjectNode().put("sessionId", odd).put("utterance", "x") + "\n"
                + json.createObjectNode().put("sessionId", "sess").put("utterance", odd) + "\n");

        assertThat(writer().erase(odd, odd)).isEqualTo(1);
        assertThat(Files.readString(file)).isEqualTo(json.createObjectNode().put("sessionId", "sess").put("utterance", odd) + "\n");
    }

    @Test
    void recordsTakenBeforeTheErasureAreDroppedWhenTheyComeLaterNewOnesAreWritten() throws Exception {
        AcousticRecordWriter writer = writer();
        long before = System.currentTimeMillis() - 1;
        AcousticBatch waiting = new AcousticBatch();
        waiting.add(line("s-1", "waited in memory").getBytes(StandardCharsets.UTF_8), "s-1", before);
        waiting.add(line("s-2", "another session").getBytes(StandardCharsets.UTF_8), "s-2", before);

        writer.erase("s-1", "s-1");
        assertThat(writer.write(waiting)).isTrue();
        AcousticBatch later = new AcousticBatch();
        later.add(line("s-1", "said after").getBytes(StandardCharsets.UTF_8), "s-1", System.currentTimeMillis() + 1);
        assertThat(writer.write(later)).isTrue();

        assertThat(Files.readString(dir.resolve("acoustic-slot-test.jsonl")))
                .isEqualTo(line("s-2", "another session") + line("s-1", "said after"));
    }

    @Test
    void anotherJvmAppendingToAFileLosesNoLineWhileTheFileIsErased() throws Exception {
        int batches = 400;
        Path live = dir.resolve("acoustic-slot-" + RecordAppender.INSTANCE + ".jsonl");
        // lines written before, so that each rewrite takes a while and appends come during it
        StringBuilder earlier = new StringBuilder();
        for (int i = 0; i < 5_000; i++) {
            earlier.append(line("s-earlier", "earlier " + i));
        }
        Files.writeString(live, earlier);
        Process appender = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"),
                "-cp", System.getProperty("java.class.path"), RecordAppender.class.getName(), dir.toString(),
                String.valueOf(batches)).redirectErrorStream(true).redirectOutput(dir.resolve("appender.log").toFile()).start();
        AcousticRecordWriter eraser = writer(dir, "eraser");
        int rewritesWhileAppending = 0;
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> Files.size(live) > earlier.length());
            // a few rewrites, not as many as it can: a waiting append gets the lock only between two
            for (int erasures = 0; erasures < 10 && appender.isAlive(); erasures++) {
                if (eraser.erase(RecordAppender.ERASED, RecordAppender.ERASED) > 0 && appender.isAlive()) {
                    rewritesWhileAppending++;
                }
            }
            assertThat(appender.waitFor()).as(Files.readString(dir.resolve("appender.log"))).isZero();
        } finally {
            appender.destroyForcibly();
        }
        eraser.erase(RecordAppender.ERASED, RecordAppender.ERASED);

        List<String> lines = Files.readAllLines(live);
        assertThat(rewritesWhileAppending).as("rewrites of the file while it was appended to").isGreaterThanOrEqualTo(3);
        assertThat(lines).noneMatch(l -> l.contains("\"" + RecordAppender.ERASED + "\""));
        assertThat(lines.stream().filter(l -> l.contains("\"s-earlier\"")).count()).isEqualTo(5_000);
        List<String> kept = lines.stream().filter(l -> l.contains("\"" + RecordAppender.KEPT + "\"")).toList();
        assertThat(kept).hasSize(batches * RecordAppender.KEPT_PER_BATCH).doesNotHaveDuplicates();
        assertThat(lines).hasSize(5_000 + batches * RecordAppender.KEPT_PER_BATCH).allMatch(l -> l.startsWith("{") && l.endsWith("}"));
    }
}
