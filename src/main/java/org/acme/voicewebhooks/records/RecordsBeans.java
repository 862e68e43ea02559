package org.acme.voicewebhooks.records;

import java.time.Clock;

import org.acme.voicewebhooks.observe.WebhookMetrics;
import org.acme.voicewebhooks.settings.Settings;
import org.acme.voicewebhooks.stores.RabbitMq;
import org.acme.voicewebhooks.stores.RabbitMqStoreHealth;
import org.acme.voicewebhooks.settings.BeansSupport;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.Configuration;
import org.apache.camel.AggregationStrategy;
import org.apache.camel.Predicate;
import org.apache.camel.Processor;
import org.apache.camel.component.file.GenericFileFilter;
import org.apache.camel.support.service.ServiceSupport;

/** Acoustic records: their settings, their JSON lines, and with ACOUSTIC_STORE=rabbitmq the stream. */
@Configuration
public class RecordsBeans extends BeansSupport {

    @BindToRegistry
    public AcousticSettings acousticSettings() {
        return once("acousticSettings", () -> AcousticSettings.from(settings()));
    }

    @BindToRegistry
    public AcousticRecords acousticRecords() {
        return once("acousticRecords", () -> new AcousticRecords(json(), acousticSettings(), Clock.systemUTC(),
                AcousticPrivacy.from(settings())));
    }

    /** ACOUSTIC_STORE=rabbitmq: the stream; bound only then. */
    @BindToRegistry
    public AcousticStream acousticStream() {
        return once("acousticStream", () -> {
            Settings settings = settings();
            RabbitMq rabbit = bean("rabbitMq", RabbitMq.class);
            return rabbit != null && settings.text("acoustic.store").equals("rabbitmq")
                    ? new AcousticStream(rabbit, sharedPrefix(), AcousticStream.maxAge(settings),
                        settings.number("rabbitmq.confirm-timeout-ms", 10, 60_000), metrics())
                    : null;
        });
    }

    /** The record, batch, write and erase steps of routes/acoustic-records.camel.yaml. */
    @BindToRegistry
    public AcousticRecordSteps acousticRecordSteps() {
        return once("acousticRecordSteps", () -> {
            AcousticSettings acoustic = acousticSettings();
            AcousticRecords records = acousticRecords();
            return new AcousticRecordSteps(acoustic, records, new AcousticRecordWriter(acoustic.dir(), records, metrics()),
                    acousticStream(), Clock.systemUTC());
        });
    }

    @BindToRegistry
    public Processor acousticRecordLine() {
        return once("acousticRecordLine", () -> acousticRecordSteps().line());
    }

    @BindToRegistry
    public AggregationStrategy acousticBatch() {
        return once("acousticBatch", () -> acousticRecordSteps().batch());
    }

    @BindToRegistry
    public Predicate acousticBatchFull() {
        return once("acousticBatchFull", () -> acousticRecordSteps().batchFull());
    }

    @BindToRegistry
    public Processor acousticBatchWriter() {
        return once("acousticBatchWriter", () -> acousticRecordSteps().write());
    }

    @BindToRegistry
    public Processor acousticRecordEraser() {
        return once("acousticRecordEraser", () -> acousticRecordSteps().erase());
    }

    @BindToRegistry
    public GenericFileFilter<Object> acousticRetentionFilter() {
        return once("acousticRetentionFilter", () -> acousticRecordSteps().retention());
    }

    /** A HealthCheck bean joins readiness: the stream is down while RabbitMQ refuses the URL's vhost. */
    @BindToRegistry
    public RabbitMqStoreHealth acousticStreamHealth() {
        return once("acousticStreamHealth", () -> {
            RabbitMq rabbit = bean("rabbitMq", RabbitMq.class);
            return rabbit != null && settings().text("acoustic.store").equals("rabbitmq")
                    ? new RabbitMqStoreHealth("acoustic-record-stream", rabbit, "acoustic records spill to the files") : null;
        });
    }

    private WebhookMetrics metrics() {
        return bean("webhookMetrics", WebhookMetrics.class);
    }

    @Override
    public void configure(CamelContext context) throws Exception {
        AcousticStream stream = acousticStream();
        if (stream != null) {
            // declares the stream as the service starts
            context.addService(new ServiceSupport() {
                @Override
                protected void doStart() {
                    stream.start();
                }
            }, true, true);
        }
    }
}
