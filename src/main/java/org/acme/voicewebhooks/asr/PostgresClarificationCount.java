package org.acme.voicewebhooks.asr;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;

import javax.sql.DataSource;

import org.acme.voicewebhooks.stores.SharedTable;
import org.acme.voicewebhooks.observe.WebhookMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The clarifications of each session that all instances share, a PostgreSQL table {@code <prefix>_clarifications}
 * made on first use: one row per session with its count and the end of its window. The limit is read before a
 * clarification is sent; the count is one atomic statement once Cognigy acknowledged it (a window that is over starts
 * again at 1). Never throws: while PostgreSQL fails, every call answers {@link Limit#UNAVAILABLE} or false (the local
 * count decides), one WARN line marks the outage and one INFO line its end, and the database is tried again at most
 * once per {@code retryMs}.
 */
public final class PostgresClarificationCount {

    private static final Logger LOG = LoggerFactory.getLogger(PostgresClarificationCount.class);

    /** What the shared count says about one more clarification. */
    public enum Limit {
        /** Under the limit: clarify. */
        UNDER,
        /** The session had its clarifications in this window: escalate. */
        REACHED,
        /** PostgreSQL failed or is being left alone after failing: the local count decides. */
        UNAVAILABLE
    }

    private final DataSource dataSource;
    private final String table;
    private final String limitSql;
    private final String countSql;
    private final String expiredSql;
    private final SharedTable shared;

    public PostgresClarificationCount(DataSource dataSource, String table, long retryMs, WebhookMetrics metrics, Clock clock) {
        this.shared = new SharedTable(table, new String[] {
            "CREATE TABLE IF NOT EXISTS " + table + " ("
                    + "session_id text PRIMARY KEY, "
                    + "clarifications integer NOT NULL, "
                    + "window_ends timestamptz NOT NULL)",
            "CREATE INDEX IF NOT EXISTS " + table + "_window_ends ON " + table + " (window_ends)"},
                LOG, "clarification count", "each instance counts its own clarifications until it answers again",
                "the shared count decides", retryMs, clock, metrics::clarificationStoreFailure);
        this.dataSource = dataSource;
        this.table = table;
        this.limitSql = "SELECT clarifications >= ? FROM " + table + " WHERE session_id = ? AND window_ends >= now()";
        // one statement: a concurrent count of the same session waits for the row lock and then adds to the new count
        this.countSql = "INSERT INTO " + table + " AS c (session_id, clarifications, window_ends)"
                + " VALUES (?, 1, now() + ? * interval '1 millisecond')"
                + " ON CONFLICT (session_id) DO UPDATE SET"
                + " clarifications = CASE WHEN c.window_ends < now() THEN 1 ELSE c.clarifications + 1 END,"
                + " window_ends = CASE WHEN c.window_ends < now() THEN EXCLUDED.window_ends ELSE c.window_ends END";
        this.expiredSql = "DELETE FROM " + table + " WHERE window_ends < now()";
    }

    /** Whether the session had {@code max} clarifications within its window. */
    public Limit limit(String sessionId, int max) {
        if (!shared.mayTry()) {
            return Limit.UNAVAILABLE;
        }
        try (Connection connection = dataSource.getConnection()) {
            shared.ensureCreated(connection);
            Limit limit;
            try (PreparedStatement select = connection.prepareStatement(limitSql)) {
                select.setInt(1, max);
                select.setString(2, sessionId);
                try (ResultSet row = select.executeQuery()) {
                    limit = row.next() && row.getBoolean(1) ? Limit.REACHED : Limit.UNDER;
                }
            }
            shared.answered();
            return limit;
        } catch (SQLException | RuntimeException e) {
            shared.failed("count", e);   // reading the count is part of counting, for the log and the metric
            return Limit.UNAVAILABLE;
        }
    }

    /** Counts one clarification of the session (acknowledged by Cognigy); false when PostgreSQL did not take it. */
    public boolean count(String sessionId, long windowMs) {
        if (!shared.mayTry()) {
            return false;
        }
        try (Connection connection = dataSource.getConnection()) {
            shared.ensureCreated(connection);
            try (PreparedStatement upsert = connection.prepareStatement(countSql)) {
                upsert.setString(1, sessionId);
                upsert.setLong(2, windowMs);
                upsert.executeUpdate();
            }
            shared.answered();
            return true;
        } catch (SQLException | RuntimeException e) {
            shared.failed("count", e);
            return false;
        }
    }

    /** Deletes the sessions whose window is over; how many, or -1 while PostgreSQL fails. */
    public int removeExpired() {
        if (!shared.mayTry()) {
            return -1;
        }
        try (Connection connection = dataSource.getConnection()) {
            shared.ensureCreated(connection);
            try (Statement delete = connection.createStatement()) {
                return delete.executeUpdate(expiredSql);
            }
        } catch (SQLException | RuntimeException e) {
            shared.failed("cleanup", e);
            return -1;
        }
    }
}
