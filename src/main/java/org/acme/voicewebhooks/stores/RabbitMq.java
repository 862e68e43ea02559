package org.acme.voicewebhooks.stores;

import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeoutException;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import org.acme.voicewebhooks.settings.Settings;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.ShutdownSignalException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The RabbitMQ server the instances share (RABBITMQ_URL): one connection, opened on first use and again after it is
 * lost, never tried more often than every {@link #RECONNECT_PAUSE} while the server is down, so a webhook does not
 * wait for a connect timeout each time. Its URL's password never reaches a log line: {@link #where()} names it. A
 * vhost the server refuses (a URL ending in "/" names the empty vhost) is logged once as an ERROR with the fix, and
 * {@link #refusal()} says so until a connection succeeds: the stores on it are DOWN in readiness meanwhile.
 */
// RabbitMQ's own client, not a Camel component: camel-amqp speaks AMQP 1.0 through JMS, which can neither declare a
// quorum queue or a stream nor wait for publisher confirms, and camel-spring-rabbitmq would bring Spring for a few calls.
public final class RabbitMq implements AutoCloseable {

    public static final Duration RECONNECT_PAUSE = Duration.ofSeconds(5);
    private static final Logger LOG = LoggerFactory.getLogger(RabbitMq.class);

    private final ConnectionFactory factory;
    private final String where;
    private Connection connection;
    private long nextTryAt;
    private volatile String refusal;

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

    /** Why the server refused the last connection (its vhost), with the fix; empty once a connection succeeds. */
    public Optional<String> refusal() {
        return Optional.ofNullable(refusal);
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
        Connection opened;
        try {
            opened = factory.newConnection("cognigy-voice-webhooks");
        } catch (TimeoutException e) {
            throw new IOException("RabbitMQ at " + where + " did not answer in time", e);
        } catch (IOException e) {
            if (e.getCause() instanceof ShutdownSignalException signal
                    && signal.getReason() instanceof AMQP.Connection.Close close && close.getReplyCode() == AMQP.NOT_ALLOWED) {
                refused(close.getReplyText());
            }
            throw e;
        }
        refusal = null;
        return opened;
    }

    /** The server refused the URL's vhost: a setting to mend, not an outage to wait out. */
    private void refused(String replyText) {
        String vhost = factory.getVirtualHost();
        String why = "RabbitMQ at " + factory.getHost() + ":" + factory.getPort() + " refused vhost \"" + vhost + "\" ("
                + replyText + "): " + (vhost.isEmpty()
                        ? "RABBITMQ_URL ends in \"/\", which names the empty vhost; use %2F for the default vhost \"/\" "
                                + "(amqp://user:password@host:port/%2F)"
                        : "RABBITMQ_URL must name a vhost the user may use; use %2F for the default vhost \"/\"");
        if (!why.equals(refusal)) {
            LOG.error("{}", why);
        }
        refusal = why;
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
