package org.acme.voicewebhooks.records;

import java.time.Clock;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.acme.voicewebhooks.observe.WebhookMetrics;
import org.acme.voicewebhooks.settings.Settings;
import org.acme.voicewebhooks.stores.RabbitMq;
import org.acme.voicewebhooks.stores.RabbitMqStoreHealth;
import org.apache.camel.BeanInject;
import org.acme.voicewebhooks.settings.BeansSupport;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.Configuration;
import org.apache.camel.AggregationStrategy;
import org.apache.camel.Predicate;
import org.apache.camel.Processor;
import org.apache.camel.component.file.GenericFileFilter;
import org.apache.camel.spi.Registry;
import org.apache.camel.support.service.ServiceSupport;

/** Acoustic records: their settings, their JSON lines, and with ACOUSTIC_STORE=rabbitmq the stream. */
@Configuration
public class RecordsBeans extends BeansSupport {

    @BindToRegistry
    public AcousticSettings acousticSettings(Settings settings) {
        return once("acousticSettings", () -> AcousticSettings.from(settings));
    }

    @BindToRegistry
    public AcousticRecords acousticRecords(Settings settings, @BeanInject("jsonMapper") ObjectMapper json) {
        return once("acousticRecords", () -> new AcousticRecords(json, acousticSettings(settings), Clock.systemUTC(), AcousticPrivacy.from(settings)));
    }

    /** ACOUSTIC_STORE=rabbitmq: the stream; bound only then. */
    @BindToRegistry
    public AcousticStream acousticStream(Settings settings, Registry registry, WebhookMetrics metrics,
            @BeanInject("sharedPrefix") String prefix) {
        return once("acousticStream", () -> {
            RabbitMq rabbit = registry.lookupByNameAndType("rabbitMq", RabbitMq.class);
            return rabbit != null && settings.text("acoustic.store").equals("rabbitmq")
                    ? new AcousticStream(rabbit, prefix, AcousticStream.maxAge(settings),
                        settings.number("rabbitmq.confirm-timeout-ms", 10, 60_000), metrics)
                    : null;
        });
    }

    /** The record, batch, write and erase steps of routes/acoustic-records.camel.yaml. */
    @BindToRegistry
    public AcousticRecordSteps acousticRecordSteps(Settings settings, Registry registry, WebhookMetrics metrics,
            @BeanInject("jsonMapper") ObjectMapper json, @BeanInject("sharedPrefix") String prefix) {
        return once("acousticRecordSteps", () -> {
            AcousticSettings acoustic = acousticSettings(settings);
            AcousticRecords records = acousticRecords(settings, json);
            return new AcousticRecordSteps(acoustic, records, new AcousticRecordWriter(acoustic.dir(), records, metrics),
                    acousticStream(settings, registry, metrics, prefix), Clock.systemUTC());
        });
    }

    @BindToRegistry
    public Processor acousticRecordLine(Settings settings, Registry registry, WebhookMetrics metrics,
            @BeanInject("jsonMapper") ObjectMapper json, @BeanInject("sharedPrefix") String prefix) {
        return once("acousticRecordLine", () -> acousticRecordSteps(settings, registry, metrics, json, prefix).line());
    }

    @BindToRegistry
    public AggregationStrategy acousticBatch(Settings settings, Registry registry, WebhookMetrics metrics,
            @BeanInject("jsonMapper") ObjectMapper json, @BeanInject("sharedPrefix") String prefix) {
        return once("acousticBatch", () -> acousticRecordSteps(settings, registry, metrics, json, prefix).batch());
    }

    @BindToRegistry
    public Predicate acousticBatchFull(Settings settings, Registry registry, WebhookMetrics metrics,
            @BeanInject("jsonMapper") ObjectMapper json, @BeanInject("sharedPrefix") String prefix) {
        return once("acousticBatchFull", () -> acousticRecordSteps(settings, registry, metrics, json, prefix).batchFull());
    }

    @BindToRegistry
    public Processor acousticBatchWriter(Settings settings, Registry registry, WebhookMetrics metrics,
            @BeanInject("jsonMapper") ObjectMapper json, @BeanInject("sharedPrefix") String prefix) {
        return once("acousticBatchWriter", () -> acousticRecordSteps(settings, registry, metrics, json, prefix).write());
    }

    @BindToRegistry
    public Processor acousticRecordEraser(Settings settings, Registry registry, WebhookMetrics metrics,
            @BeanInject("jsonMapper") ObjectMapper json, @BeanInject("sharedPrefix") String prefix) {
        return once("acousticRecordEraser", () -> acousticRecordSteps(settings, registry, metrics, json, prefix).erase());
    }

    @BindToRegistry
    public GenericFileFilter<Object> acousticRetentionFilter(Settings settings, Registry registry, WebhookMetrics metrics,
            @BeanInject("jsonMapper") ObjectMapper json, @BeanInject("sharedPrefix") String prefix) {
        return once("acousticRetentionFilter", () -> acousticRecordSteps(settings, registry, metrics, json, prefix).retention());
    }

    /** A HealthCheck bean joins readiness: the stream is down while RabbitMQ refuses the URL's vhost. */
    @BindToRegistry
    public RabbitMqStoreHealth acousticStreamHealth(Settings settings, Registry registry) {
        return once("acousticStreamHealth", () -> {
            RabbitMq rabbit = registry.lookupByNameAndType("rabbitMq", RabbitMq.class);
            return rabbit != null && settings.text("acoustic.store").equals("rabbitmq")
                    ? new RabbitMqStoreHealth("acoustic-record-stream", rabbit, "acoustic records spill to the files") : null;
        });
    }

    @Override
    public void configure(CamelContext context) throws Exception {
        AcousticStream stream = context.getRegistry().lookupByNameAndType("acousticStream", AcousticStream.class);
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
