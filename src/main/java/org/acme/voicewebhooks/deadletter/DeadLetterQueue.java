package org.acme.voicewebhooks.deadletter;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import com.rabbitmq.client.MessageProperties;
import com.rabbitmq.client.ShutdownSignalException;
import org.acme.voicewebhooks.stores.RabbitMq;
import org.acme.voicewebhooks.observe.WebhookMetrics;
import org.acme.voicewebhooks.webhook.WebhookException;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dead letters in a durable quorum queue {@code <prefix>.dead-letters} (DEAD_LETTER_STORE=rabbitmq), persistent and
 * confirmed by the broker before the webhook answers. An entry the broker does not confirm in time (down, slow) is
 * left to the file store: the route writes it there, so nothing is lost; the outage is logged once and each such
 * entry counted. Entries whose replay keeps failing are parked in {@code <prefix>.dead-letters.parked}.
 */
public final class DeadLetterQueue {

    /** Set to true on the exchange once the broker has confirmed the entry. */
    public static final String QUEUED = "deadLetterQueued";
    /** How many replays of an entry failed before, on a message that went back to the queue. */
    static final String REPLAY_ATTEMPTS = "replay-attempts";
    private static final long MIN_CONFIRM_WAIT_MS = 50;
    private static final Logger LOG = LoggerFactory.getLogger("dead-letter-store");

    private final RabbitMq rabbit;
    private final String queue;
    private final String parked;
    private final String lock;
    private final long confirmTimeoutMs;
    private final long budgetMs;
    private final WebhookMetrics metrics;
    private final ReentrantLock replaying = new ReentrantLock();
    private Channel channel;
    private volatile boolean down;

    public DeadLetterQueue(RabbitMq rabbit, String prefix, long confirmTimeoutMs, long budgetMs, WebhookMetrics metrics) {
        this.rabbit = rabbit;
        this.queue = prefix + ".dead-letters";
        this.parked = queue + ".parked";
        this.lock = queue + ".replay-lock";
        this.confirmTimeoutMs = confirmTimeoutMs;
        this.budgetMs = budgetMs;
        this.metrics = metrics;
    }

    /** Declares the queues at start-up; RabbitMQ down then is the first outage, not a failed start. */
    public void start() {
        try {
            synchronized (this) {
                open();
            }
            LOG.info("dead letters go to RabbitMQ queue {} at {}", queue, rabbit.where());
        } catch (IOException | RuntimeException e) {
            outage(e);
        }
    }

    /** Publishes the entry in the body and waits for the broker's confirm, within the webhook's budget. */
    public void store(Exchange exchange) {
        byte[] entry = exchange.getMessage().getBody(String.class).strip().getBytes(StandardCharsets.UTF_8);
        boolean queued = publish(entry, exchange.getClock().getCreated() + budgetMs);
        exchange.setProperty(QUEUED, queued);
        if (!queued) {
            metrics.deadLetterFallback();
        }
    }

    /** One publish at a time on the one channel; the wait for its confirm starts when its turn comes. */
    private synchronized boolean publish(byte[] entry, long budgetEndsAt) {
        long waitMs = Math.max(MIN_CONFIRM_WAIT_MS, Math.min(confirmTimeoutMs, budgetEndsAt - System.currentTimeMillis()));
        try {
            open().basicPublish("", queue, persistentJson(null), entry);
            channel.waitForConfirmsOrDie(waitMs);
        } catch (IOException | TimeoutException | RuntimeException e) {
            RabbitMq.closeQuietly(channel);   // an unconfirmed channel is in an unknown state
            channel = null;
            outage(e);
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            RabbitMq.closeQuietly(channel);
            channel = null;
            return false;
        }
        if (down) {
            down = false;
            LOG.info("RabbitMQ at {} confirms dead letters again; they go to queue {}", rabbit.where(), queue);
        }
        return true;
    }

    private Channel open() throws IOException {
        if (channel == null || !channel.isOpen()) {
            Channel fresh = rabbit.channel();
            try {
                declare(fresh);
                fresh.confirmSelect();
            } catch (IOException | RuntimeException e) {
                RabbitMq.closeQuietly(fresh);
                throw e;
            }
            channel = fresh;
        }
        return channel;
    }

    private void declare(Channel on) throws IOException {
        Map<String, Object> quorum = Map.of("x-queue-type", "quorum");
        on.queueDeclare(queue, true, false, false, quorum);
        on.queueDeclare(parked, true, false, false, quorum);
    }

    private void outage(Exception e) {
        if (!down) {
            down = true;
            LOG.warn("RabbitMQ at {} does not take dead letters ({}); they go to the file store until it does",
                    rabbit.where(), e.getClass().getSimpleName());
        }
    }

    /**
     * Starts a replay of the queue: 409 while another replay runs anywhere, 503 when RabbitMQ is down. The lock is an
     * exclusive queue on the replay's own connection: the broker refuses it to every other connection and deletes it
     * when that connection ends, so a crashed replay never leaves it held; entries it took and did not acknowledge
     * go back to the queue then too.
     */
    Replay replay() {
        if (!replaying.tryLock()) {
            throw new WebhookException(409, "Dead-letter replay already running");
        }
        Connection connection = null;
        try {
            connection = rabbit.ownConnection();
            Channel channel = connection.createChannel();
            try {
                channel.queueDeclare(lock, false, true, true, null);
            } catch (IOException e) {
                if (lockedElsewhere(e)) {
                    throw new WebhookException(409, "Dead-letter replay already running");
                }
                throw e;
            }
            declare(channel);
            channel.confirmSelect();
            return new Replay(connection, channel, channel.queueDeclarePassive(queue).getMessageCount());
        } catch (IOException | RuntimeException e) {
            closeQuietly(connection);
            replaying.unlock();
            if (e instanceof WebhookException refused) {
                throw refused;
            }
            LOG.warn("dead-letter replay cannot reach RabbitMQ at {} ({})", rabbit.where(), e.getClass().getSimpleName());
            throw new WebhookException(503, "Dead-letter queue unavailable");
        }
    }

    /** The broker's answer when another connection holds the exclusive lock queue. */
    private static boolean lockedElsewhere(IOException e) {
        return e.getCause() instanceof ShutdownSignalException signal && signal.getReason() instanceof AMQP.Channel.Close close
                && close.getReplyCode() == AMQP.RESOURCE_LOCKED;
    }

    private static void closeQuietly(Connection connection) {
        if (connection != null) {
            try {
                connection.close(1000);
            } catch (IOException | RuntimeException e) {
                // the broker ends it anyway
            }
        }
    }

    private static AMQP.BasicProperties persistentJson(Integer replayAttempts) {
        Map<String, Object> headers = new HashMap<>();
        if (replayAttempts != null) {
            headers.put(REPLAY_ATTEMPTS, replayAttempts);
        }
        return MessageProperties.PERSISTENT_TEXT_PLAIN.builder().contentType("application/json").headers(headers).build();
    }

    /** One replay's hold on the queue: takes entries one by one, each settled after its outcome is recorded. */
    final class Replay implements AutoCloseable {

        private final Connection connection;
        private final Channel channel;
        private long left;

        private Replay(Connection connection, Channel channel, long waiting) {
            this.connection = connection;
            this.channel = channel;
            this.left = waiting;
        }

        /** The next entry, or null when every entry waiting at the start has been taken (retried ones go to the end). */
        GetResponse next() throws IOException {
            if (left-- <= 0) {
                return null;
            }
            return channel.basicGet(queue, false);
        }

        static int attempts(GetResponse entry) {
            Map<String, Object> headers = entry.getProps().getHeaders();
            Object attempts = headers == null ? null : headers.get(REPLAY_ATTEMPTS);
            return attempts instanceof Number n ? n.intValue() : 0;
        }

        /** Done with: removed from the queue. */
        void ack(GetResponse entry) throws IOException {
            channel.basicAck(entry.getEnvelope().getDeliveryTag(), false);
        }

        /**
         * Not chosen by this replay's criteria: held unacknowledged until the replay ends, when the broker returns it
         * to the queue (given back at once, it could be the next one taken again).
         */
        void leave(GetResponse entry) {
            // nothing to do before close()
        }

        /** Back to the end of the queue with its failed attempts counted, for a later replay. */
        void retryLater(GetResponse entry, int attempts) throws IOException, InterruptedException, TimeoutException {
            moveTo(queue, entry, attempts);
        }

        /** Into the parking queue, out of every later replay's way, for a person to look at. */
        void park(GetResponse entry, int attempts) throws IOException, InterruptedException, TimeoutException {
            moveTo(parked, entry, attempts);
        }

        private void moveTo(String target, GetResponse entry, int attempts)
                throws IOException, InterruptedException, TimeoutException {
            channel.basicPublish("", target, persistentJson(attempts), entry.getBody());
            channel.waitForConfirmsOrDie(Math.max(confirmTimeoutMs, 5_000));
            ack(entry);
        }

        @Override
        public void close() {
            closeQuietly(connection);
            replaying.unlock();
        }
    }
}
