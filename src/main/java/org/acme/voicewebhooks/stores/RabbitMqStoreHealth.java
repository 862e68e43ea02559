package org.acme.voicewebhooks.stores;

import java.io.IOException;
import java.util.Map;
import java.util.Optional;

import com.rabbitmq.client.Channel;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * Readiness of a store kept in RabbitMQ: down while the server refuses the URL's vhost, a setting that no wait mends
 * (an unreachable server is an outage the store rides out on its fallback, and stays up). Each call while down tries
 * a connection again (at most every {@link RabbitMq#RECONNECT_PAUSE}), so a vhost made meanwhile brings it back.
 */
public final class RabbitMqStoreHealth extends AbstractHealthCheck {

    private final RabbitMq rabbit;
    private final String meanwhile;

    /** {@code id} names the store; {@code meanwhile} says what becomes of its entries while it is down. */
    public RabbitMqStoreHealth(String id, RabbitMq rabbit, String meanwhile) {
        super("webhooks", id);
        this.rabbit = rabbit;
        this.meanwhile = meanwhile;
    }

    @Override
    public boolean isLiveness() {
        return false;   // a restart with the same URL is refused again
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        if (rabbit.refusal().isPresent()) {
            try {
                Channel probe = rabbit.channel();
                RabbitMq.closeQuietly(probe);
            } catch (IOException | RuntimeException e) {
                // still refused (logged by RabbitMq), unreachable, or tried moments ago
            }
        }
        Optional<String> refusal = rabbit.refusal();
        if (refusal.isEmpty()) {
            builder.up();
        } else {
            builder.down().message(refusal.get() + "; " + meanwhile);
        }
    }
}
