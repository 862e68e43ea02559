package org.acme.voicewebhooks.records;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;

import org.acme.voicewebhooks.asr.AsrDecision;
import org.acme.voicewebhooks.asr.AsrEvent;
import org.acme.voicewebhooks.observe.WebhookMetrics;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.acme.voicewebhooks.webhook.WebhookErrorHandling;
import org.acme.voicewebhooks.webhook.WebhookEvent;
import org.acme.voicewebhooks.webhook.WebhookException;
import org.apache.camel.BeanInject;
import org.apache.camel.Exchange;
import org.apache.camel.PropertyInject;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.file.GenericFileFilter;

/**
 * Writes acoustic records to rolling files, deletes files past their retention and erases a session's records on
 * request. Records never go to the log.
 */
public final class AcousticRecordRoutes extends RouteBuilder {

    /** Records a batch collects at most before it is written. */
    static final int BATCH_RECORDS = 1000;

    @BeanInject
    private AcousticSettings settings;
    @BeanInject
    private AcousticRecords acousticRecords;
    @BeanInject
    private WebhookMetrics webhookMetrics;

    @PropertyInject(value = "admin.api-key", defaultValue = "")
    private String adminKey;

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Clock clock = Clock.systemUTC();

    @Override
    public void configure() {
        String dir = settings.dir().toString();
        AcousticRecordWriter writer = new AcousticRecordWriter(settings.dir(), acousticRecords, webhookMetrics);
        // ACOUSTIC_STORE=rabbitmq: a batch goes to the stream, and to the files only when RabbitMQ does not take it
        AcousticStream stream = getContext().getRegistry().lookupByNameAndType("acousticStream", AcousticStream.class);

        // starts first so it stops last: the webhook's wiretapped records drain into it on shutdown
        from("direct:acoustic-record-write").routeId("acoustic-record-write").startupOrder(1)
                .description("Append acoustic records as JSON lines to this instance's current file, a batch per write "
                        + "(or publish them to a RabbitMQ stream, spilling to the file when it is down); "
                        + "a batch that cannot be written is retried, then counted as lost")
                // a stopping error handler would refuse the last batch; the writer handles a failed write itself
                .errorHandler(noErrorHandler())
                .process(exchange -> exchange.getMessage().setBody(acousticRecords.line(
                        exchange.getProperty(WebhookEvent.PROPERTY, AsrEvent.class),
                        exchange.getProperty(AsrDecision.PROPERTY, AsrDecision.class)).getBytes(StandardCharsets.UTF_8)))
                // one file append per batch, not per record: opening the file per line was a third of the service's CPU
                .aggregate(constant(true), AcousticBatch.collect())
                    .completionSize(BATCH_RECORDS)
                    // bounded by bytes too: a thousand large records would not fit in the heap
                    .completionPredicate(exchange -> exchange.getMessage().getBody(AcousticBatch.class).bytes()
                            >= settings.batchMaxBytes())
                    .completionInterval(settings.flushIntervalMs())
                    // a stop waits for every collected record to be written
                    .forceCompletionOnStop().completeAllOnStop()
                    .process(exchange -> {
                        AcousticBatch batch = exchange.getMessage().getBody(AcousticBatch.class);
                        if (stream == null || !stream.publish(writer.unerased(batch))) {
                            writer.write(batch);
                        }
                    }).id("append-records")
                .end();

        if (!adminKey.isBlank()) {
            from("platform-http:{{admin.path}}/acoustic-records?httpMethodRestrict=DELETE")
                    .routeId("acoustic-record-erase").routeConfigurationId(WebhookErrorHandling.ADMIN)
                    .description("Erase every record of one session from every record file in the folder, whichever "
                            + "instance wrote it, and drop its records still waiting for this instance's write (a RabbitMQ "
                            + "stream is append-only: not erased, the answer says so)")
                    .process("adminApiKey")
                    .process(exchange -> erase(exchange, writer, stream))
                    .log("acoustic records of a session erased: ${body}");
        }

        if (settings.retentionDays() > 0) {
            long keepMs = settings.retentionDays() * 86_400_000L;
            GenericFileFilter<Object> expired = file -> file.getLastModified() < clock.millis() - keepMs;
            getContext().getRegistry().bind("acousticRetentionFilter", expired);
            from("file:" + dir + "?antInclude=acoustic-*.jsonl&filter=#acousticRetentionFilter&delete=true"
                    + "&readLock=none&idempotent=false&initialDelay=" + settings.retentionSweepMs()
                    + "&delay=" + settings.retentionSweepMs())
                    .routeId("acoustic-retention")
                    .description("Delete acoustic record files older than the retention")
                    .log("acoustic records file ${header.CamelFileName} is past its retention; deleted");
        }
    }

    /**
     * Answers {"sessionId":…,"removed":<file lines>}, with {"stream":<name>,"streamErased":false} added when records
     * also go to a RabbitMQ stream; 400 without a sessionId.
     */
    private void erase(Exchange exchange, AcousticRecordWriter writer, AcousticStream stream) throws IOException {
        String sessionId = exchange.getMessage().getHeader("sessionId", String.class);
        if (sessionId == null || sessionId.isBlank()) {
            throw new WebhookException(400, "Missing sessionId");
        }
        int removed = writer.erase(sessionId, acousticRecords.recordedSessionId(sessionId));
        exchange.getMessage().removeHeaders("*");
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
        ObjectNode answer = JSON.createObjectNode().put("sessionId", sessionId).put("removed", removed);
        if (stream != null) {
            answer.put("stream", stream.name()).put("streamErased", false);
        }
        exchange.getMessage().setBody(answer.toString());
    }
}
