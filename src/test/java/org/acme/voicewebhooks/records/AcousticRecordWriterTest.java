package org.acme.voicewebhooks.records;

import static java.nio.file.StandardOpenOption.CREATE;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.acme.voicewebhooks.observe.WebhookMetrics;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The writer leaves whole lines only, whatever fails part-way through an append, and counts what it could not write. */
class AcousticRecordWriterTest {

    private static final String FILE = "acoustic-slot-test.jsonl";

    @TempDir
    Path dir;

    private final MeterRegistry meters = new SimpleMeterRegistry();
    private final WebhookMetrics metrics = metrics(meters);

    private static WebhookMetrics metrics(MeterRegistry meters) {
        DefaultCamelContext camel = new DefaultCamelContext();
        camel.getRegistry().bind("meters", MeterRegistry.class, meters);
        return new WebhookMetrics(camel);
    }

    private AcousticRecordWriter writer(AcousticRecordWriter.Opener opener) {
        AcousticSettings settings = new AcousticSettings(dir, DateTimeFormatter.ofPattern("'slot'").withZone(ZoneOffset.UTC),
                1L << 30, "test", 0, 1000, 100, 1 << 20);
        AcousticRecords records = new AcousticRecords(new ObjectMapper(), settings, Clock.systemUTC());
        return new AcousticRecordWriter(dir, records, metrics, opener, Duration.ZERO);
    }

    private static FileChannel open(Path file) throws IOException {
        return FileChannel.open(file, CREATE, READ, WRITE);
    }

    private static AcousticBatch batch(String... sessions) {
        AcousticBatch batch = new AcousticBatch();
        for (String session : sessions) {
            batch.add(("{\"sessionId\":\"" + session + "\",\"rawFeatures\":\"" + "QUJD".repeat(64) + "\"}\n")
                    .getBytes(StandardCharsets.UTF_8));
        }
        return batch;
    }

    private String content() throws IOException {
        return Files.readString(dir.resolve(FILE));
    }

    private static String lines(AcousticBatch... batches) {
        StringBuilder text = new StringBuilder();
        for (AcousticBatch batch : batches) {
            for (ByteBuffer line : batch.buffers()) {
                text.append(StandardCharsets.UTF_8.decode(line));
            }
        }
        return text.toString();
    }

    private double counted(String name) {
        return meters.find(name).counter() == null ? 0 : meters.find(name).counter().count();
    }

    @Test
    void anAppendCutShortIsCutBackToTheLastWholeLineAndTriedAgain() throws IOException {
        AcousticBatch first = batch("a-1", "a-2");
        AcousticBatch second = batch("b-1", "b-2", "b-3");
        List<String> seenByTheRetry = new ArrayList<>();
        AtomicInteger opened = new AtomicInteger();
        AcousticRecordWriter writer = writer(file -> switch (opened.incrementAndGet()) {
            case 1 -> open(file);
            case 2 -> new CutShortChannel(open(file));
            default -> {
                seenByTheRetry.add(Files.readString(file));
                yield open(file);
            }
        });

        assertThat(writer.write(first)).isTrue();
        assertThat(writer.write(second)).isTrue();

        assertThat(seenByTheRetry).as("the torn line was gone before the retry").containsExactly(lines(first));
        assertThat(content()).isEqualTo(lines(first, second));
        assertThat(counted("acoustic.records")).isEqualTo(5);
        assertThat(counted("acoustic.records.lost")).isZero();
    }

    @Test
    void aBatchThatCannotBeWrittenIsCountedAsLostAndLeavesOnlyTheWholeLinesBeforeIt() throws IOException {
        AcousticBatch first = batch("a-1");
        AcousticBatch failing = batch("b-1", "b-2", "b-3", "b-4");
        AtomicInteger opened = new AtomicInteger();
        List<CutShortChannel> cutShort = new ArrayList<>();
        AcousticRecordWriter writer = writer(file -> {
            if (opened.incrementAndGet() == 1) {
                return open(file);
            }
            CutShortChannel channel = new CutShortChannel(open(file));
            cutShort.add(channel);
            return channel;
        });

        assertThat(writer.write(first)).isTrue();
        assertThat(writer.write(failing)).isFalse();

        assertThat(cutShort).hasSize(AcousticRecordWriter.ATTEMPTS)
                .allSatisfy(channel -> assertThat(channel.tornAt).as("each try tore a line").isGreaterThan(lines(first).length()));
        assertThat(content()).isEqualTo(lines(first));
        assertThat(counted("acoustic.records")).isEqualTo(1);
        assertThat(counted("acoustic.records.lost")).isEqualTo(4);
    }

    @Test
    void anUnfinishedLineLeftByAKilledProcessIsCutOffBeforeTheNextAppend() throws IOException {
        Files.writeString(dir.resolve(FILE), "{\"sessionId\":\"old-1\"}\n{\"sessionId\":\"old-2\",\"rawFea");
        AcousticBatch next = batch("new-1");

        assertThat(writer(AcousticRecordWriterTest::open).write(next)).isTrue();

        assertThat(content()).isEqualTo("{\"sessionId\":\"old-1\"}\n" + lines(next));
    }

    @Test
    void aFolderThatCannotBeCreatedCountsEveryRecordAsLost() throws IOException {
        Path regularFile = Files.writeString(dir.resolve("not-a-folder"), "x");
        AcousticSettings settings = new AcousticSettings(regularFile.resolve("records"),
                DateTimeFormatter.ofPattern("'slot'").withZone(ZoneOffset.UTC), 1L << 30, "test", 0, 1000, 100, 1 << 20);
        AcousticRecordWriter writer = new AcousticRecordWriter(settings.dir(),
                new AcousticRecords(new ObjectMapper(), settings, Clock.systemUTC()), metrics, AcousticRecordWriterTest::open,
                Duration.ZERO);

        assertThat(writer.write(batch("a-1", "a-2"))).isFalse();
        assertThat(writer.write(batch("b-1"))).isFalse();

        assertThat(counted("acoustic.records.lost")).isEqualTo(3);
    }

    /** Writes about half of what it is given, then fails as a full disk does. */
    static final class CutShortChannel extends FileChannel {

        private final FileChannel real;
        long tornAt = -1;

        CutShortChannel(FileChannel real) {
            this.real = real;
        }

        @Override
        public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
            long total = 0;
            for (int i = offset; i < offset + length; i++) {
                total += srcs[i].remaining();
            }
            long left = total / 2;
            for (int i = offset; i < offset + length && left > 0; i++) {
                int n = (int) Math.min(left, srcs[i].remaining());
                ByteBuffer part = srcs[i].duplicate();
                part.limit(part.position() + n);
                real.write(part);
                srcs[i].position(srcs[i].position() + n);
                left -= n;
            }
            tornAt = real.size();
            throw new IOException("No space left on device");
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            return (int) write(new ByteBuffer[] {src}, 0, 1);
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            return real.read(dst);
        }

        @Override
        public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
            return real.read(dsts, offset, length);
        }

        @Override
        public int read(ByteBuffer dst, long position) throws IOException {
            return real.read(dst, position);
        }

        @Override
        public int write(ByteBuffer src, long position) throws IOException {
            return real.write(src, position);
        }

        @Override
        public long position() throws IOException {
            return real.position();
        }

        @Override
        public FileChannel position(long newPosition) throws IOException {
            real.position(newPosition);
            return this;
        }

        @Override
        public long size() throws IOException {
            return real.size();
        }

        @Override
        public FileChannel truncate(long size) throws IOException {
            real.truncate(size);
            return this;
        }

        @Override
        public void force(boolean metaData) throws IOException {
            real.force(metaData);
        }

        @Override
        public long transferTo(long position, long count, WritableByteChannel target) throws IOException {
            return real.transferTo(position, count, target);
        }

        @Override
        public long transferFrom(ReadableByteChannel src, long position, long count) throws IOException {
            return real.transferFrom(src, position, count);
        }

        @Override
        public MappedByteBuffer map(MapMode mode, long position, long size) throws IOException {
            return real.map(mode, position, size);
        }

        @Override
        public FileLock lock(long position, long size, boolean shared) throws IOException {
            return real.lock(position, size, shared);
        }

        @Override
        public FileLock tryLock(long position, long size, boolean shared) throws IOException {
            return real.tryLock(position, size, shared);
        }

        @Override
        protected void implCloseChannel() throws IOException {
            real.close();
        }
    }
}
