package org.acme.voicewebhooks.stores;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeoutException;

import com.rabbitmq.client.Channel;
import org.acme.voicewebhooks.settings.Settings;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;

/**
 * The RabbitMQ server the instances share (RABBITMQ_URL): one connection, opened on first use and again after it is
 * lost, never tried more often than every {@link #RECONNECT_PAUSE} while the server is down, so a webhook does not
 * wait for a connect timeout each time. Its URL's password never reaches a log line: {@link #where()} names it.
 */
// RabbitMQ's own client, not a Camel component: camel-amqp speaks AMQP 1.0 through JMS, which can neither declare a
// quorum queue or a stream nor wait for publisher confirms, and camel-spring-rabbitmq would bring Spring for a few calls.
public final class RabbitMq implements AutoCloseable {

    public static final Duration RECONNECT_PAUSE = Duration.ofSeconds(5);

    private final ConnectionFactory factory;
    private final String where;
    private Connection connection;
    private long nextTryAt;

    private RabbitMq(ConnectionFactory factory) {
        this.factory = factory;
        this.where = factory.getHost() + ":" + factory.getPort() + " (vhost " + factory.getVirtualHost() + ")";
    }

    /** The server of {@code rabbitmq.url}; the setting is required as soon as one store uses RabbitMQ. */
    public static RabbitMq from(Settings settings) {
        String url = settings.required("rabbitmq.url", "RABBITMQ_URL");
        ConnectionFactory factory = new ConnectionFactory();
        if (!url.isEmpty()) {
            try {
                factory.setUri(url);
            } catch (Exception e) {
                // never the URL itself: it carries the password
                settings.problem("RABBITMQ_URL (setting rabbitmq.url) must be amqp://user:password@host:port/vhost");
            }
        }
        int timeout = (int) settings.number("rabbitmq.connect-timeout-ms", 100, 30_000);
        factory.setConnectionTimeout(timeout);
        factory.setHandshakeTimeout(timeout);
        // this class reconnects on the next use; the client's own recovery would retry behind its back
        factory.setAutomaticRecoveryEnabled(false);
        factory.setTopologyRecoveryEnabled(false);
        return new RabbitMq(factory);
    }

    /** host:port (vhost), for log lines. */
    public String where() {
        return where;
    }

    /** A new channel on the shared connection; the caller closes it. */
    public synchronized Channel channel() throws IOException {
        if (connection == null || !connection.isOpen()) {
            connection = connect();
        }
        return connection.createChannel();
    }

    /** A connection of its own, for work that must end with it (a replay's lock and unacknowledged entries). */
    public Connection ownConnection() throws IOException {
        return newConnection();
    }

    private Connection connect() throws IOException {
        if (System.currentTimeMillis() < nextTryAt) {
            throw new IOException("RabbitMQ at " + where + " was unreachable moments ago");
        }
        try {
            return newConnection();
        } catch (IOException e) {
            nextTryAt = System.currentTimeMillis() + RECONNECT_PAUSE.toMillis();
            throw e;
        }
    }

    private Connection newConnection() throws IOException {
        try {
            return factory.newConnection("cognigy-voice-webhooks");
        } catch (TimeoutException e) {
            throw new IOException("RabbitMQ at " + where + " did not answer in time", e);
        }
    }

    @Override
    public synchronized void close() {
        if (connection != null) {
            try {
                connection.close(1000);
            } catch (IOException | RuntimeException e) {
                // closing anyway: the broker drops the connection's channels with it
            }
            connection = null;
        }
    }

    /** Closes a channel that may already be closed or broken. */
    public static void closeQuietly(Channel channel) {
        if (channel != null && channel.isOpen()) {
            try {
                channel.close();
            } catch (IOException | TimeoutException | RuntimeException e) {
                // it is being dropped because it failed: nothing more to do
            }
        }
    }

    /** Whether a store setting (file or rabbitmq, anything else is a problem) names RabbitMQ. */
    public static boolean uses(Settings settings, String key, String variable) {
        String store = settings.text(key);
        if (!store.equals("file") && !store.equals("rabbitmq")) {
            settings.problem(variable + " (setting " + key + ") must be file or rabbitmq, was '" + store + "'");
        }
        return store.equals("rabbitmq");
    }
}
