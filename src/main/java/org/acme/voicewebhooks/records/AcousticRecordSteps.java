package org.acme.voicewebhooks.records;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.acme.voicewebhooks.asr.AsrDecision;
import org.acme.voicewebhooks.asr.AsrEvent;
import org.acme.voicewebhooks.webhook.WebhookEvent;
import org.acme.voicewebhooks.webhook.WebhookException;
import org.apache.camel.AggregationStrategy;
import org.apache.camel.Exchange;
import org.apache.camel.Predicate;
import org.apache.camel.Processor;
import org.apache.camel.component.file.GenericFileFilter;

/** The Java behind the steps of routes/acoustic-records.camel.yaml: the record, its batch, its write and its erasure. */
public final class AcousticRecordSteps {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final AcousticSettings settings;
    private final AcousticRecords records;
    private final AcousticRecordWriter writer;
    private final AcousticStream stream;
    private final Clock clock;

    /** {@code stream} is null unless records go to RabbitMQ. */
    public AcousticRecordSteps(AcousticSettings settings, AcousticRecords records, AcousticRecordWriter writer,
            AcousticStream stream, Clock clock) {
        this.settings = settings;
        this.records = records;
        this.writer = writer;
        this.stream = stream;
        this.clock = clock;
    }

    /** The utterance's record as one JSON line (UTF-8). */
    public Processor line() {
        return exchange -> exchange.getMessage().setBody(records.line(
                exchange.getProperty(WebhookEvent.PROPERTY, AsrEvent.class),
                exchange.getProperty(AsrDecision.PROPERTY, AsrDecision.class)).getBytes(StandardCharsets.UTF_8));
    }

    /** Collects record lines into one batch. */
    public AggregationStrategy batch() {
        return AcousticBatch.collect();
    }

    /** A batch is written once its records reach acoustic.batch-max-bytes: many large records would not fit the heap. */
    public Predicate batchFull() {
        return exchange -> exchange.getMessage().getBody(AcousticBatch.class).bytes() >= settings.batchMaxBytes();
    }

    /** To the stream (ACOUSTIC_STORE=rabbitmq), else (or when it does not take them) appended to this instance's file. */
    public Processor write() {
        return exchange -> {
            AcousticBatch batch = exchange.getMessage().getBody(AcousticBatch.class);
            if (stream == null || !stream.publish(writer.unerased(batch))) {
                writer.write(batch);
            }
        };
    }

    /** Answers {"sessionId":…,"removed":<lines>}, naming a stream that was not erased; 400 without a sessionId. */
    public Processor erase() {
        return exchange -> {
            String sessionId = exchange.getMessage().getHeader("sessionId", String.class);
            if (sessionId == null || sessionId.isBlank()) {
                throw new WebhookException(400, "Missing sessionId");
            }
            int removed = eraseSession(sessionId);
            exchange.getMessage().removeHeaders("*");
            exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
            ObjectNode answer = JSON.createObjectNode().put("sessionId", sessionId).put("removed", removed);
            if (stream != null) {
                answer.put("stream", stream.name()).put("streamErased", false);
            }
            exchange.getMessage().setBody(answer.toString());
        };
    }

    private int eraseSession(String sessionId) throws IOException {
        return writer.erase(sessionId, records.recordedSessionId(sessionId));
    }

    /** Record files older than acoustic.retention-days; none when it is 0 (everything is kept). */
    public GenericFileFilter<Object> retention() {
        long keepMs = settings.retentionDays() * 86_400_000L;
        return file -> settings.retentionDays() > 0 && file.getLastModified() < clock.millis() - keepMs;
    }
}
