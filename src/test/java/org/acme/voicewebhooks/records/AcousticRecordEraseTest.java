package org.acme.voicewebhooks.records;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

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
        DefaultCamelContext camel = new DefaultCamelContext();
        camel.getRegistry().bind("meters", MeterRegistry.class, new SimpleMeterRegistry());
        AcousticSettings settings = new AcousticSettings(dir, DateTimeFormatter.ofPattern("'slot'").withZone(ZoneOffset.UTC),
                1L << 30, "test", 0, 1000, 100, 1 << 20);
        return new AcousticRecordWriter(dir, new AcousticRecords(new ObjectMapper(), settings, Clock.systemUTC()),
                new WebhookMetrics(camel), path -> java.nio.channels.FileChannel.open(path, java.nio.file.StandardOpenOption.CREATE,
                        java.nio.file.StandardOpenOption.READ, java.nio.file.StandardOpenOption.WRITE), Duration.ZERO);
    }

    private static String line(String session, String text) {
        return "{\"timestamp\":\"t\",\"sessionId\":\"" + session + "\",\"utterance\":\"" + text + "\"}\n";
    }

    @Test
    void theSessionsLinesLeaveEveryFileOfThisInstanceAndTheRestStaysAsItWas() throws Exception {
        Path older = dir.resolve("acoustic-old1-test-1.jsonl");
        // another instance's file on a shared volume: it may be appending right now, so it is never rewritten here
        Path theirs = dir.resolve("acoustic-slot-pod-test.jsonl");
        Files.writeString(theirs, line("s-1", "theirs"));
        Path current = dir.resolve("acoustic-slot-test.jsonl");
        Path unrelated = dir.resolve("notes.txt");
        Files.writeString(older, line("s-1", "a") + line("s-10", "b") + line("s-1", "c") + "{\"sessionId\":\"s-2\",\"unfin");
        Files.writeString(current, line("s-2", "d") + line("s-1", "e"));
        Files.writeString(unrelated, line("s-1", "kept, not a record file"));
        FileTime monthOld = FileTime.from(Instant.parse("2026-10-01T00:00:00Z"));
        Files.setLastModifiedTime(older, monthOld);

        int removed = writer().erase("s-1", "s-1");

        assertThat(removed).isEqualTo(3);
        assertThat(Files.readString(older)).isEqualTo(line("s-10", "b") + "{\"sessionId\":\"s-2\",\"unfin");
        assertThat(Files.readString(current)).isEqualTo(line("s-2", "d"));
        assertThat(Files.readString(unrelated)).isEqualTo(line("s-1", "kept, not a record file"));
        assertThat(Files.readString(theirs)).isEqualTo(line("s-1", "theirs"));
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
}
