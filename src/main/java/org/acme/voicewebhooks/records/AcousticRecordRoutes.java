package org.acme.voicewebhooks.records;

import java.time.Clock;

import org.acme.voicewebhooks.asr.AsrEvent;
import org.acme.voicewebhooks.observe.WebhookMetrics;
import org.acme.voicewebhooks.web.WebhookEvent;
import org.apache.camel.BeanInject;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.file.GenericFileFilter;

/** Writes acoustic records to rolling files and deletes files past their retention. Records never go to the log. */
public final class AcousticRecordRoutes extends RouteBuilder {

    /** The per-flow threshold the webhook decided with. */
    public static final String THRESHOLD = "threshold";

    @BeanInject
    private AcousticSettings settings;
    @BeanInject
    private AcousticRecords acousticRecords;
    @BeanInject
    private WebhookMetrics webhookMetrics;

    private final Clock clock = Clock.systemUTC();

    @Override
    public void configure() {
        String dir = settings.dir().toString();

        // starts first so it stops last: the webhook's wiretapped records drain into it on shutdown
        from("direct:acoustic-record-write").routeId("acoustic-record-write").startupOrder(1)
                .description("Append one acoustic record as a JSON line to this instance's current file")
                .process(exchange -> {
                    AsrEvent event = exchange.getProperty(WebhookEvent.PROPERTY, AsrEvent.class);
                    byte[] line = acousticRecords.line(event, exchange.getProperty(THRESHOLD, Double.class));
                    exchange.getMessage().setHeader(Exchange.FILE_NAME, acousticRecords.fileFor(line.length));
                    exchange.getMessage().setBody(line);
                })
                // the file producer locks each file name, so concurrent lines never interleave
                .to("file:" + dir + "?fileExist=Append").id("append-record")
                .process(exchange -> webhookMetrics.acousticRecord(exchange.getMessage().getBody(byte[].class).length));

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
}
