package org.acme.voicewebhooks.stores;

import org.acme.voicewebhooks.settings.Settings;
import java.util.Optional;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

/** The PostgreSQL database the instances share (DATABASE_URL), when one is configured. */
public final class Database {

    private Database() {
    }

    /**
     * A small pool to {@code database.url}, or empty when none is set. It starts even while the database is down
     * (each store falls back then), and a call never waits long for a connection.
     */
    public static Optional<DataSource> from(Settings settings) {
        return settings.optional("database.url").map(url -> {
            if (!url.startsWith("jdbc:postgresql:")) {
                settings.problem("DATABASE_URL (setting database.url) must be a JDBC URL, jdbc:postgresql://host:port/db");
                return null;
            }
            HikariConfig config = new HikariConfig();
            config.setPoolName("webhooks-db");
            config.setJdbcUrl(url);
            settings.optional("database.user").ifPresent(config::setUsername);
            settings.optional("database.password").ifPresent(config::setPassword);
            config.setMaximumPoolSize((int) settings.number("database.pool-size", 1, 100));
            config.setConnectionTimeout(settings.number("database.connect-timeout-ms", 250, 30_000));
            // start without the database: the stores fall back until it answers
            config.setInitializationFailTimeout(-1);
            return new HikariDataSource(config);
        });
    }
}
