package org.acme.voicewebhooks.cognigy.ratelimit;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import javax.sql.DataSource;

/**
 * The bucket every instance shares: one row of table {@code <prefix>_rate_limit}, refilled and taken from by a single
 * atomic statement (one round trip), timed by the database's clock so the instances' clocks never matter.
 */
final class SharedTokenBucket implements TokenBucket {

    private static final String NAME = "cognigy";

    private final DataSource dataSource;
    private final String table;
    private final double capacity;
    private final double perSecond;
    private final String take;
    private volatile boolean created;

    SharedTokenBucket(DataSource dataSource, String prefix, double capacity, double perSecond) {
        this.dataSource = dataSource;
        this.table = prefix + "_rate_limit";
        this.capacity = capacity;
        this.perSecond = perSecond;
        // the inner SELECT locks the row and reads its latest version; the level is computed once, after the lock
        this.take = "UPDATE " + table + " b SET tokens = c.level - c.took, updated_at = c.at"
                + " FROM (SELECT name, level, at, CASE WHEN level >= ? THEN 1 ELSE 0 END AS took"
                + "   FROM (SELECT name, at, LEAST(?, tokens + ? * GREATEST(0, EXTRACT(EPOCH FROM at - updated_at))) AS level"
                + "     FROM (SELECT name, tokens, updated_at, clock_timestamp() AS at FROM " + table
                + "       WHERE name = ? FOR UPDATE) locked) refilled) c"
                + " WHERE b.name = c.name RETURNING c.took, c.level";
    }

    /** Creates the table and the full bucket if absent (several instances may race: the loser's error is harmless). */
    void create() throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            try (Statement statement = connection.createStatement()) {
                statement.execute("CREATE TABLE IF NOT EXISTS " + table
                        + " (name text PRIMARY KEY, tokens double precision NOT NULL, updated_at timestamptz NOT NULL)");
            } catch (SQLException e) {
                if (!"23505".equals(e.getSQLState()) && !"42P07".equals(e.getSQLState())) {
                    throw e;
                }
            }
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO " + table
                    + " (name, tokens, updated_at) VALUES (?, ?, clock_timestamp()) ON CONFLICT (name) DO NOTHING")) {
                insert.setString(1, NAME);
                insert.setDouble(2, capacity);
                insert.executeUpdate();
            }
        }
        created = true;
    }

    @Override
    public Take take(double floor) throws SQLException {
        if (!created) {
            create();
        }
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement(take)) {
            statement.setDouble(1, floor + 1);
            statement.setDouble(2, capacity);
            statement.setDouble(3, perSecond);
            statement.setString(4, NAME);
            try (ResultSet row = statement.executeQuery()) {
                if (!row.next()) {
                    created = false;   // the row is gone (dropped by hand): made again on the next call
                    throw new SQLException("no row '" + NAME + "' in " + table);
                }
                return row.getInt(1) == 1 ? Take.GRANTED : new Take(false, TokenBucket.waitMs(row.getDouble(2), floor + 1, perSecond));
            }
        }
    }

    @Override
    public double capacity() {
        return capacity;
    }
}
