package org.acme.voicewebhooks.stores;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import org.slf4j.Logger;

/**
 * A table one store keeps in the shared PostgreSQL: created once on first use, and its outages. An outage is logged
 * once when it starts and once when it ends, each failure counted; while it lasts one call per retry interval tries
 * the database, the others go straight to the store's local fallback.
 */
public final class SharedTable {

    private final String name;
    private final String[] ddl;
    private final Logger log;
    private final String store;
    private final String whileDown;
    private final String whenBack;
    private final long retryMs;
    private final Clock clock;
    private final Consumer<String> failures;
    private final AtomicBoolean down = new AtomicBoolean();
    private final AtomicLong retryAt = new AtomicLong();
    private volatile boolean created;

    /**
     * @param ddl       the statements that make the table and its indexes, each "IF NOT EXISTS"
     * @param store     the store's name in log lines, e.g. "duplicate store"
     * @param whileDown what decides during an outage, e.g. "each instance's own window decides until it answers again"
     * @param whenBack  what decides again after it, e.g. "the shared window decides"
     * @param failures  counts one failure of the named operation
     */
    public SharedTable(String name, String[] ddl, Logger log, String store, String whileDown, String whenBack, long retryMs,
            Clock clock, Consumer<String> failures) {
        if (!name.matches("[a-z][a-z0-9_]*")) {
            throw new IllegalArgumentException("table must be a plain lower-case name, was '" + name + "'");
        }
        this.name = name;
        this.ddl = ddl.clone();
        this.log = log;
        this.store = store;
        this.whileDown = whileDown;
        this.whenBack = whenBack;
        this.retryMs = retryMs;
        this.clock = clock;
        this.failures = failures;
    }

    /** Whether this call may use the database: always, but during an outage only once per retry interval. */
    public boolean mayTry() {
        if (!down.get()) {
            return true;
        }
        long now = clock.millis();
        long at = retryAt.get();
        return now >= at && retryAt.compareAndSet(at, now + retryMs);
    }

    /** Makes the table the first time; an advisory lock keeps instances starting together from racing on the catalog. */
    public void ensureCreated(Connection connection) throws SQLException {
        if (created) {
            return;
        }
        synchronized (this) {
            if (created) {
                return;
            }
            boolean autoCommit = connection.getAutoCommit();
            connection.setAutoCommit(false);
            try (Statement statement = connection.createStatement()) {
                statement.execute("SELECT pg_advisory_xact_lock(hashtext('" + name + "'))");
                for (String definition : ddl) {
                    statement.execute(definition);
                }
                connection.commit();
                created = true;
            } catch (SQLException e) {
                connection.rollback();
                throw e;
            } finally {
                connection.setAutoCommit(autoCommit);
            }
        }
    }

    /** A call used the database: an outage, if there was one, is over. */
    public void answered() {
        if (down.compareAndSet(true, false)) {
            log.info("{} PostgreSQL answers again: table={}; {}", store, name, whenBack);
        }
    }

    /** A call failed: counted, and logged when it starts an outage. */
    public void failed(String operation, Exception e) {
        retryAt.set(clock.millis() + retryMs);
        failures.accept(operation);
        if (down.compareAndSet(false, true)) {
            // the exception's class and SQL state only: a message may name hosts or users
            log.warn("{} PostgreSQL failed on {}: table={} error={} sqlState={}; {}", store, operation, name,
                    e.getClass().getName(), e instanceof java.sql.SQLException sql ? sql.getSQLState() : null, whileDown);
        }
    }
}
