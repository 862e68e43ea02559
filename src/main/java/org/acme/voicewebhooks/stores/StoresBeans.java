package org.acme.voicewebhooks.stores;

import javax.sql.DataSource;

import org.acme.voicewebhooks.settings.Settings;
import org.acme.voicewebhooks.settings.BeansSupport;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.Configuration;
import org.apache.camel.support.service.ServiceSupport;

/** The servers several instances share: the PostgreSQL pool (DATABASE_URL) and the RabbitMQ connection, when set. */
@Configuration
public class StoresBeans extends BeansSupport {

    /** Prefix of the tables and queues this deployment owns in the shared servers. */
    @BindToRegistry
    @Override
    public String sharedPrefix() {
        return once("sharedPrefix", () -> {
            Settings settings = settings();
            String prefix = settings.text("shared.prefix");
            if (!prefix.matches("[a-z][a-z0-9_]{0,39}")) {
                settings.problem("SHARED_STORE_PREFIX (setting shared.prefix) must be lower-case letters, digits and _, was '"
                        + prefix + "'");
            }
            return prefix;
        });
    }

    /** Bound only when database.url is set. */
    @BindToRegistry
    public DataSource webhooksDataSource() {
        return once("webhooksDataSource", () -> Database.from(settings()).orElse(null));
    }

    /** Bound only when a store (DEAD_LETTER_STORE, ACOUSTIC_STORE) uses RabbitMQ. */
    @BindToRegistry
    public RabbitMq rabbitMq() {
        return once("rabbitMq", () -> {
            Settings settings = settings();
            boolean deadLetters = RabbitMq.uses(settings, "deadletter.store", "DEAD_LETTER_STORE");
            boolean records = RabbitMq.uses(settings, "acoustic.store", "ACOUSTIC_STORE");
            return deadLetters || records ? RabbitMq.from(settings) : null;
        });
    }

    @Override
    public void configure(CamelContext context) throws Exception {
        DataSource dataSource = webhooksDataSource();
        RabbitMq rabbit = rabbitMq();
        // added first so they stop last: the stores that use them stop before them
        context.addService(new ServiceSupport() {
            @Override
            protected void doStop() throws Exception {
                if (rabbit != null) {
                    rabbit.close();
                }
                if (dataSource instanceof AutoCloseable closeable) {
                    closeable.close();
                }
            }
        }, true, true);
    }
}
