package org.acme.voicewebhooks.duplicates;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

import javax.sql.DataSource;

import org.acme.voicewebhooks.settings.Settings;
import org.acme.voicewebhooks.stores.SharedTable;
import org.acme.voicewebhooks.observe.WebhookMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The duplicate window all instances share, a PostgreSQL table {@code <prefix>_deliveries} made on first use: one row
 * per delivery, claimed by one atomic insert, holding the first answer once there is one. A row in flight is a lease
 * of twice the webhook budget (an instance that stopped mid-delivery does not block its retries for long); an answered
 * one lasts the window from first seen. Never throws: while PostgreSQL fails, every call answers
 * {@link State#UNAVAILABLE} (the local window decides), one WARN line marks the outage and one INFO line its end, and
 * the database is tried again at most once per {@code retryMs}.
 */
public final class PostgresDeliveryWindow {

    private static final Logger LOG = LoggerFactory.getLogger(PostgresDeliveryWindow.class);

    /** What the shared window says about a delivery. */
    public enum State {
        /** This instance claimed it: process it. */
        WON,
        /** Another instance answered it: give its answer. */
        ANSWERED,
        /** Another instance is processing it. */
        IN_FLIGHT,
        /** Nobody holds it (any more): claim it again. */
        GONE,
        /** PostgreSQL failed or is being left alone after failing: the local window decides. */
        UNAVAILABLE
    }

    /** A state, with the first answer when {@link State#ANSWERED}. */
    public record Seen(State state, DuplicateGuard.Answer answer) {

        static final Seen WON = new Seen(State.WON, null);
        static final Seen IN_FLIGHT = new Seen(State.IN_FLIGHT, null);
        static final Seen GONE = new Seen(State.GONE, null);
        static final Seen UNAVAILABLE = new Seen(State.UNAVAILABLE, null);
    }

    private final DataSource dataSource;
    private final String table;
    private final long windowMs;
    private final long leaseMs;
    private final long pollMs;
    private final long cleanupMs;
    private final String claimSql;
    private final String findSql;
    private final String answerSql;
    private final String forgetSql;
    private final String expiredSql;
    private final SharedTable shared;

    public PostgresDeliveryWindow(DataSource dataSource, String table, Duration window, Duration lease, long pollMs,
            long retryMs, long cleanupMs, WebhookMetrics metrics, Clock clock) {
        this.shared = new SharedTable(table, new String[] {
            "CREATE TABLE IF NOT EXISTS " + table + " ("
                    + "key text PRIMARY KEY, "
                    + "owner text NOT NULL, "
                    + "status integer, "            // null while the first delivery is in flight
                    + "content_type text, "
                    + "body text, "
                    + "first_seen timestamptz NOT NULL, "
                    + "expires_at timestamptz NOT NULL)",
            "CREATE INDEX IF NOT EXISTS " + table + "_expires_at ON " + table + " (expires_at)"},
                LOG, "duplicate store", "each instance's own window decides until it answers again",
                "the shared window decides", retryMs, clock, metrics::duplicateStoreFailure);
        this.dataSource = dataSource;
        this.table = table;
        this.windowMs = window.toMillis();
        this.leaseMs = lease.toMillis();
        this.pollMs = pollMs;
        this.cleanupMs = cleanupMs;
        // one statement: a concurrent insert of the same key waits for the first and then updates nothing (no error)
        this.claimSql = "INSERT INTO " + table + " AS d (key, owner, first_seen, expires_at)"
                + " VALUES (?, ?, now(), now() + ? * interval '1 millisecond')"
                + " ON CONFLICT (key) DO UPDATE SET owner = EXCLUDED.owner, status = NULL, content_type = NULL, body = NULL,"
                + " first_seen = EXCLUDED.first_seen, expires_at = EXCLUDED.expires_at"
                + " WHERE d.expires_at < now() RETURNING d.key";
        this.findSql = "SELECT status, content_type, body FROM " + table + " WHERE key = ? AND expires_at >= now()";
        this.answerSql = "UPDATE " + table + " SET status = ?, content_type = ?, body = ?,"
                + " expires_at = first_seen + ? * interval '1 millisecond' WHERE key = ? AND owner = ?";
        this.forgetSql = "DELETE FROM " + table + " WHERE key = ? AND owner = ?";
        this.expiredSql = "DELETE FROM " + table + " WHERE expires_at < now()";
    }

    /**
     * The window shared in PostgreSQL when {@code duplicates.store} is {@code postgres}, else empty; a bad value, or
     * postgres without a database, is a start-up problem.
     */
    public static Optional<PostgresDeliveryWindow> from(Settings settings, Optional<DataSource> database, String prefix,
            long budgetMs, WebhookMetrics metrics) {
        String store = settings.text("duplicates.store");
        if (store.equals("memory")) {
            return Optional.empty();
        }
        if (!store.equals("postgres")) {
            settings.problem("DUPLICATES_STORE (setting duplicates.store) must be memory or postgres, was '" + store + "'");
            return Optional.empty();
        }
        Duration window = Duration.ofSeconds(settings.number("duplicates.window-seconds", 1, 86_400));
        long pollMs = settings.number("duplicates.store-poll-ms", 1, 1_000);
        long retryMs = settings.number("duplicates.store-retry-ms", 100, 600_000);
        long cleanupMs = settings.number("duplicates.store-cleanup-ms", 100, 86_400_000);
        if (settings.optional("database.url").isEmpty()) {
            settings.problem("DUPLICATES_STORE=postgres needs DATABASE_URL (setting database.url), the PostgreSQL the instances share");
            return Optional.empty();
        }
        if (settings.optional("duplicates.repository").isPresent()) {
            settings.problem("DUPLICATES_STORE=postgres and duplicates.repository both share the duplicate window: set one");
            return Optional.empty();
        }
        return database.map(dataSource -> new PostgresDeliveryWindow(dataSource, prefix + "_deliveries", window,
                Duration.ofMillis(2 * budgetMs), pollMs, retryMs, cleanupMs, metrics, Clock.systemUTC()));
    }

    public String table() {
        return table;
    }

    /** How often the cleanup route deletes expired rows. */
    public long cleanupMs() {
        return cleanupMs;
    }

    /** How long a copy waits between two looks at a delivery in flight elsewhere. */
    long pollMs() {
        return pollMs;
    }

    /** Claims the delivery for {@code owner} unless another instance holds it; then says what that one has. */
    public Seen claim(String key, String owner) {
        return call("claim", connection -> {
            try (PreparedStatement insert = connection.prepareStatement(claimSql)) {
                insert.setString(1, key);
                insert.setString(2, owner);
                insert.setLong(3, leaseMs);
                try (ResultSet won = insert.executeQuery()) {
                    if (won.next()) {
                        return Seen.WON;
                    }
                }
            }
            return find(connection, key);
        });
    }

    /** What the shared window holds for the delivery now. */
    public Seen look(String key) {
        return call("look", connection -> find(connection, key));
    }

    /** Keeps the first answer for the other instances, for the rest of the window. */
    public void answer(String key, String owner, DuplicateGuard.Answer answer) {
        call("answer", connection -> {
            try (PreparedStatement update = connection.prepareStatement(answerSql)) {
                update.setInt(1, answer.status());
                update.setString(2, answer.contentType());
                update.setString(3, answer.body());
                update.setLong(4, windowMs);
                update.setString(5, key);
                update.setString(6, owner);
                update.executeUpdate();
            }
            return Seen.WON;
        });
    }

    /** Drops this owner's row, so that a retry of a failed delivery is processed again on any instance. */
    public void forget(String key, String owner) {
        call("remove", connection -> {
            try (PreparedStatement delete = connection.prepareStatement(forgetSql)) {
                delete.setString(1, key);
                delete.setString(2, owner);
                delete.executeUpdate();
            }
            return Seen.GONE;
        });
    }

    /** Deletes the rows past their expiry; how many, or -1 while PostgreSQL fails. */
    public int removeExpired() {
        int[] removed = {-1};
        call("cleanup", connection -> {
            try (Statement delete = connection.createStatement()) {
                removed[0] = delete.executeUpdate(expiredSql);
            }
            return Seen.GONE;
        });
        return removed[0];
    }

    private Seen find(Connection connection, String key) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(findSql)) {
            select.setString(1, key);
            try (ResultSet row = select.executeQuery()) {
                if (!row.next()) {
                    return Seen.GONE;
                }
                int status = row.getInt(1);
                if (row.wasNull()) {
                    return Seen.IN_FLIGHT;
                }
                return new Seen(State.ANSWERED, new DuplicateGuard.Answer(status, row.getString(2), row.getString(3)));
            }
        }
    }

    /** A unit of work on one connection. */
    private interface Work {
        Seen on(Connection connection) throws SQLException;
    }

    private Seen call(String operation, Work work) {
        if (!shared.mayTry()) {
            return Seen.UNAVAILABLE;
        }
        try (Connection connection = dataSource.getConnection()) {
            shared.ensureCreated(connection);
            Seen seen = work.on(connection);
            shared.answered();
            return seen;
        } catch (SQLException | RuntimeException e) {
            shared.failed(operation, e);
            return Seen.UNAVAILABLE;
        }
    }
}
