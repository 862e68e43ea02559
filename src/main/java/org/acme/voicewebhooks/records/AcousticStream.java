package org.acme.voicewebhooks.records;

import java.io.IOException;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.TimeoutException;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.MessageProperties;
import org.acme.voicewebhooks.stores.RabbitMq;
import org.acme.voicewebhooks.observe.WebhookMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Acoustic records to the RabbitMQ stream {@code <prefix>.acoustic-records} (ACOUSTIC_STORE=rabbitmq), one message per
 * record, a batch confirmed by the broker as a whole. A batch it does not confirm is the caller's to spill to the
 * files; the outage is logged once and the spilled records counted. A stream, not a queue: every consumer (training
 * jobs, audits) reads all records from any offset, and reading removes nothing.
 */
public final class AcousticStream {

    private static final Logger LOG = LoggerFactory.getLogger("acoustic-records");
    private static final AMQP.BasicProperties RECORD =
            MessageProperties.PERSISTENT_TEXT_PLAIN.builder().contentType("application/json").build();

    private final RabbitMq rabbit;
    private final String stream;
    private final long confirmTimeoutMs;
    private final WebhookMetrics metrics;
    private Channel channel;
    private boolean down;

    public AcousticStream(RabbitMq rabbit, String prefix, long confirmTimeoutMs, WebhookMetrics metrics) {
        this.rabbit = rabbit;
        this.stream = prefix + ".acoustic-records";
        this.confirmTimeoutMs = confirmTimeoutMs;
        this.metrics = metrics;
    }

    /** Declares the stream at start-up; RabbitMQ down then is the first outage, not a failed start. */
    public synchronized void start() {
        try {
            open();
            LOG.info("acoustic records go to RabbitMQ stream {} at {}", stream, rabbit.where());
        } catch (IOException | RuntimeException e) {
            outage(e);
        }
    }

    /** Publishes the batch, one message per record; false (counted as spilled) when the broker did not confirm it all. */
    synchronized boolean publish(AcousticBatch batch) {
        try {
            Channel on = open();
            for (byte[] line : batch.lines()) {
                on.basicPublish("", stream, RECORD, Arrays.copyOf(line, line.length - 1));   // without its line feed
            }
            on.waitForConfirmsOrDie(confirmTimeoutMs);
        } catch (IOException | TimeoutException | RuntimeException | InterruptedException e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            RabbitMq.closeQuietly(channel);   // an unconfirmed channel is in an unknown state
            channel = null;
            outage(e);
            metrics.acousticRecordsSpilled(batch.records());
            return false;
        }
        if (down) {
            down = false;
            LOG.info("RabbitMQ at {} confirms acoustic records again; they go to stream {}", rabbit.where(), stream);
        }
        metrics.acousticRecords(batch.records(), batch.bytes());
        return true;
    }

    private Channel open() throws IOException {
        if (channel == null || !channel.isOpen()) {
            Channel fresh = rabbit.channel();
            try {
                fresh.queueDeclare(stream, true, false, false, Map.of("x-queue-type", "stream"));
                fresh.confirmSelect();
            } catch (IOException | RuntimeException e) {
                RabbitMq.closeQuietly(fresh);
                throw e;
            }
            channel = fresh;
        }
        return channel;
    }

    private void outage(Exception e) {
        if (!down) {
            down = true;
            LOG.warn("RabbitMQ at {} does not take acoustic records ({}); they spill to the files until it does",
                    rabbit.where(), e.getClass().getSimpleName());
        }
    }
}
