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
 * made on first use: one row per session with its count and the end of its window. One atomic statement counts a
 * clarification only while the session is under the limit (or its window is over), so two instances never both give
 * the last one. Never throws: while PostgreSQL fails, every call answers {@link Count#UNAVAILABLE} (the local count
 * decides), one WARN line marks the outage and one INFO line its end, and the database is tried again at most once per
 * {@code retryMs}.
 */
public final class PostgresClarificationCount {

    private static final Logger LOG = LoggerFactory.getLogger(PostgresClarificationCount.class);

    /** What the shared count says about one more clarification. */
    public enum Count {
        /** Counted: clarify. */
        COUNTED,
        /** The session had its clarifications in this window: escalate. */
        LIMIT_REACHED,
        /** PostgreSQL failed or is being left alone after failing: the local count decides. */
        UNAVAILABLE
    }

    private final DataSource dataSource;
    private final String table;
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
        // one statement: a concurrent count of the same session waits for the row lock and then sees the new count
        this.countSql = "INSERT INTO " + table + " AS c (session_id, clarifications, window_ends)"
                + " VALUES (?, 1, now() + ? * interval '1 millisecond')"
                + " ON CONFLICT (session_id) DO UPDATE SET"
                + " clarifications = CASE WHEN c.window_ends < now() THEN 1 ELSE c.clarifications + 1 END,"
                + " window_ends = CASE WHEN c.window_ends < now() THEN EXCLUDED.window_ends ELSE c.window_ends END"
                + " WHERE c.window_ends < now() OR c.clarifications < ? RETURNING c.clarifications";
        this.expiredSql = "DELETE FROM " + table + " WHERE window_ends < now()";
    }

    public String table() {
        return table;
    }

    /** Counts one more clarification of the session unless it had {@code max} within the window. */
    public Count count(String sessionId, int max, long windowMs) {
        if (!shared.mayTry()) {
            return Count.UNAVAILABLE;
        }
        try (Connection connection = dataSource.getConnection()) {
            shared.ensureCreated(connection);
            Count count;
            try (PreparedStatement upsert = connection.prepareStatement(countSql)) {
                upsert.setString(1, sessionId);
                upsert.setLong(2, windowMs);
                upsert.setInt(3, max);
                try (ResultSet counted = upsert.executeQuery()) {
                    count = counted.next() ? Count.COUNTED : Count.LIMIT_REACHED;
                }
            }
            shared.answered();
            return count;
        } catch (SQLException | RuntimeException e) {
            shared.failed("count", e);
            return Count.UNAVAILABLE;
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
