package org.acme.voicewebhooks.records;

import java.io.IOException;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.TimeoutException;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.MessageProperties;
import com.rabbitmq.client.ShutdownSignalException;
import org.acme.voicewebhooks.settings.Settings;
import org.acme.voicewebhooks.stores.RabbitMq;
import org.acme.voicewebhooks.observe.WebhookMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Acoustic records to the RabbitMQ stream {@code <prefix>.acoustic-records} (ACOUSTIC_STORE=rabbitmq), one message per
 * record, a batch confirmed by the broker as a whole. A batch it does not confirm is the caller's to spill to the
 * files; the outage is logged once and the spilled records counted. A stream, not a queue: every consumer (training
 * jobs, audits) reads all records from any offset, and reading removes nothing; it is append-only, so an erasure cannot
 * reach the records in it, and they leave it only by its retention, {@code acoustic.stream-max-age} (x-max-age).
 */
public final class AcousticStream {

    private static final Logger LOG = LoggerFactory.getLogger("acoustic-records");
    private static final AMQP.BasicProperties RECORD =
            MessageProperties.PERSISTENT_TEXT_PLAIN.builder().contentType("application/json").build();

    private final RabbitMq rabbit;
    private final String stream;
    private final String maxAge;
    private final Map<String, Object> arguments;
    private final long confirmTimeoutMs;
    private final WebhookMetrics metrics;
    private Channel channel;
    private boolean down;
    private boolean mismatchLogged;

    /** {@code maxAge}: the stream's x-max-age when this service declares it (e.g. 30D), or empty for none. */
    public AcousticStream(RabbitMq rabbit, String prefix, String maxAge, long confirmTimeoutMs, WebhookMetrics metrics) {
        this.rabbit = rabbit;
        this.stream = prefix + ".acoustic-records";
        this.maxAge = maxAge;
        this.arguments = maxAge.isEmpty()
                ? Map.of("x-queue-type", "stream")
                : Map.of("x-queue-type", "stream", "x-max-age", maxAge);
        this.confirmTimeoutMs = confirmTimeoutMs;
        this.metrics = metrics;
    }

    /** acoustic.stream-max-age as RabbitMQ's x-max-age takes it (a number and Y, M, D, h, m or s), or empty for none. */
    public static String maxAge(Settings settings) {
        String maxAge = settings.optional("acoustic.stream-max-age").orElse("");
        if (!maxAge.isEmpty() && !maxAge.matches("[1-9][0-9]{0,8}[YMDhms]")) {
            // the broker would close the whole connection on it, dead letters included
            settings.problem("ACOUSTIC_STREAM_MAX_AGE (setting acoustic.stream-max-age) must be a number and one of the "
                    + "units Y, M, D, h, m, s (e.g. 30D), or empty for none, was '" + maxAge + "'");
        }
        return maxAge;
    }

    /** The stream's name. */
    public String name() {
        return stream;
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
            Channel fresh = declared(rabbit.channel());
            try {
                fresh.confirmSelect();
            } catch (IOException | RuntimeException e) {
                RabbitMq.closeQuietly(fresh);
                throw e;
            }
            channel = fresh;
        }
        return channel;
    }

    /**
     * A channel on which the stream exists. A stream declared before with other arguments (another max age) keeps
     * them: redeclaring cannot change them, so it is used as it is and the mismatch logged once, with the fix.
     */
    private Channel declared(Channel fresh) throws IOException {
        try {
            fresh.queueDeclare(stream, true, false, false, arguments);
            return fresh;
        } catch (IOException | RuntimeException e) {
            RabbitMq.closeQuietly(fresh);
            if (!(e.getCause() instanceof ShutdownSignalException signal
                    && signal.getReason() instanceof AMQP.Channel.Close close && close.getReplyCode() == AMQP.PRECONDITION_FAILED)) {
                throw e;
            }
            if (!mismatchLogged) {
                mismatchLogged = true;
                LOG.error("RabbitMQ stream {} was made before with other arguments ({}); a stream keeps them, so "
                        + "records go to it with those, not with acoustic.stream-max-age={}. For its retention set a "
                        + "RabbitMQ policy with max-age on it, or delete it so that the next start declares it again",
                        stream, close.getReplyText(), maxAge.isEmpty() ? "(none)" : maxAge);
            }
        }
        Channel existing = rabbit.channel();
        try {
            existing.queueDeclarePassive(stream);
            return existing;
        } catch (IOException | RuntimeException e) {
            RabbitMq.closeQuietly(existing);
            throw e;
        }
    }

    private void outage(Exception e) {
        if (!down) {
            down = true;
            LOG.warn("RabbitMQ at {} does not take acoustic records ({}); they spill to the files until it does",
                    rabbit.where(), e.getClass().getSimpleName());
        }
    }
}
