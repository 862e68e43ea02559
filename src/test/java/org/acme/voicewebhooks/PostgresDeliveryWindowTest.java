package org.acme.voicewebhooks;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.SQLTransientConnectionException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.acme.voicewebhooks.duplicates.DuplicateGuard;
import org.acme.voicewebhooks.duplicates.PostgresDeliveryWindow;
import org.acme.voicewebhooks.duplicates.PostgresDeliveryWindow.State;
import org.acme.voicewebhooks.observe.WebhookMetrics;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.awaitility.Awaitility.await;

/** The shared duplicate window on a real PostgreSQL: one winner per key, answers kept, expiry. */
class PostgresDeliveryWindowTest {

    private static final int CALLERS = 32;
    private static final DuplicateGuard.Answer ANSWER = new DuplicateGuard.Answer(200, "application/json", "{\"status\":\"processed\"}");

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private HikariDataSource dataSource;
    private String table;

    @BeforeEach
    void connect() {
        SharedServers.requirePostgres();
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(SharedServers.POSTGRES_URL);
        config.setUsername(SharedServers.POSTGRES_USER);
        config.setMaximumPoolSize(CALLERS);
        dataSource = new HikariDataSource(config);
        table = SharedServers.uniquePrefix() + "_deliveries";
    }

    @AfterEach
    void dropTable() throws SQLException {
        if (dataSource != null) {
            try (Connection connection = dataSource.getConnection(); Statement drop = connection.createStatement()) {
                drop.execute("DROP TABLE IF EXISTS " + table);
            }
            dataSource.close();
        }
    }

    private PostgresDeliveryWindow window(Duration window) {
        return window(dataSource, window, 1000);
    }

    private PostgresDeliveryWindow window(DataSource source, Duration window, long retryMs) {
        DefaultCamelContext camel = new DefaultCamelContext();
        camel.getRegistry().bind("meters", meters);
        return new PostgresDeliveryWindow(source, table, window, Duration.ofSeconds(5), 20, retryMs, 60_000,
                new WebhookMetrics(camel), Clock.systemUTC());
    }

    /** The pool, refusing connections while {@code down} is set, as a database that went away does. */
    private DataSource switchable(AtomicBoolean down) {
        return (DataSource) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {DataSource.class},
                (proxy, method, args) -> {
                    if (down.get() && method.getName().equals("getConnection")) {
                        throw new SQLTransientConnectionException("Connection is not available", "08001");
                    }
                    try {
                        return method.invoke(dataSource, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    private long rows() throws SQLException {
        try (Connection connection = DriverManager.getConnection(SharedServers.POSTGRES_URL, SharedServers.POSTGRES_USER, "");
                Statement count = connection.createStatement();
                ResultSet result = count.executeQuery("SELECT count(*) FROM " + table)) {
            result.next();
            return result.getLong(1);
        }
    }

    @Test
    void manyCallersAddingOneKeyAtOnceMakeExactlyOneWinnerAndNoError() throws Exception {
        PostgresDeliveryWindow window = window(Duration.ofMinutes(10));
        ExecutorService callers = Executors.newFixedThreadPool(CALLERS);
        try {
            // the table is made by the first call of all, concurrently too: the callers race on it and on the key
            CountDownLatch start = new CountDownLatch(1);
            List<Future<PostgresDeliveryWindow.Seen>> claims = new ArrayList<>();
            for (int i = 0; i < CALLERS; i++) {
                String owner = "owner-" + i;
                Callable<PostgresDeliveryWindow.Seen> claim = () -> {
                    start.await();
                    return window.claim("barge-in:s-1:1", owner);
                };
                claims.add(callers.submit(claim));
            }
            start.countDown();
            List<State> states = new ArrayList<>();
            for (Future<PostgresDeliveryWindow.Seen> claim : claims) {
                states.add(claim.get(20, TimeUnit.SECONDS).state());
            }

            System.out.println("claims of one key by " + CALLERS + " callers: won=" + states.stream().filter(State.WON::equals).count()
                    + " inFlight=" + states.stream().filter(State.IN_FLIGHT::equals).count());
            assertThat(states).filteredOn(State.WON::equals).hasSize(1);
            assertThat(states).filteredOn(s -> s != State.WON).hasSize(CALLERS - 1).containsOnly(State.IN_FLIGHT);
            assertThat(meters.find("webhooks.duplicates.store.failures").counters()).isEmpty();
            assertThat(rows()).isEqualTo(1);
        } finally {
            callers.shutdownNow();
        }
    }

    @Test
    void theFirstAnswerIsKeptAndAFailedDeliveryLeavesTheWindow() {
        PostgresDeliveryWindow window = window(Duration.ofMinutes(10));

        assertThat(window.claim("k-1", "a").state()).isEqualTo(State.WON);
        window.answer("k-1", "a", ANSWER);
        PostgresDeliveryWindow.Seen seen = window.claim("k-1", "b");
        assertThat(window.claim("k-2", "a").state()).isEqualTo(State.WON);
        window.forget("k-2", "b");   // another owner's delete leaves the row alone
        assertThat(window.look("k-2").state()).isEqualTo(State.IN_FLIGHT);
        window.forget("k-2", "a");

        assertThat(seen.state()).isEqualTo(State.ANSWERED);
        assertThat(seen.answer()).isEqualTo(ANSWER);
        assertThat(window.look("k-2").state()).isEqualTo(State.GONE);
        assertThat(window.claim("k-2", "b").state()).isEqualTo(State.WON);
    }

    @Test
    void anExpiredRowIsTakenOverByTheNextDeliveryAndTheCleanupDeletesExpiredRows() throws Exception {
        PostgresDeliveryWindow window = window(Duration.ofSeconds(1));
        assertThat(window.claim("k-old", "a").state()).isEqualTo(State.WON);
        window.answer("k-old", "a", ANSWER);
        assertThat(window.claim("k-gone", "a").state()).isEqualTo(State.WON);
        window.answer("k-gone", "a", ANSWER);
        assertThat(window.claim("k-old", "b").state()).isEqualTo(State.ANSWERED);

        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50))
                .until(() -> window.look("k-old").state() == State.GONE && window.look("k-gone").state() == State.GONE);
        assertThat(window.claim("k-old", "b").state()).isEqualTo(State.WON);
        assertThat(window.removeExpired()).isEqualTo(1);   // k-gone; k-old is b's again

        assertThat(rows()).isEqualTo(1);
        assertThat(window.look("k-old").state()).isEqualTo(State.IN_FLIGHT);
    }

    @Test
    void anOutageIsLoggedOnceWhenItStartsAndOnceWhenItEndsAndEachFailureIsCounted() {
        AtomicBoolean down = new AtomicBoolean(true);
        PostgresDeliveryWindow window = window(switchable(down), Duration.ofMinutes(10), 0);
        List<String> lines;

        try (LogCapture logs = LogCapture.open()) {
            assertThat(window.claim("k-1", "a").state()).isEqualTo(State.UNAVAILABLE);
            assertThat(window.look("k-1").state()).isEqualTo(State.UNAVAILABLE);
            assertThat(window.removeExpired()).isEqualTo(-1);
            down.set(false);
            assertThat(window.claim("k-1", "a").state()).isEqualTo(State.WON);
            assertThat(window.look("k-1").state()).isEqualTo(State.IN_FLIGHT);
            lines = logs.lines().stream().filter(line -> line.contains("duplicate store PostgreSQL")).toList();
        }

        assertThat(lines).hasSize(2);
        assertThat(lines.get(0)).startsWith("duplicate store PostgreSQL failed on claim")
                .contains("SQLTransientConnectionException", "sqlState=08001");
        assertThat(lines.get(1)).startsWith("duplicate store PostgreSQL answers again");
        assertThat(meters.counter("webhooks.duplicates.store.failures", "operation", "claim").count()).isEqualTo(1);
        assertThat(meters.counter("webhooks.duplicates.store.failures", "operation", "look").count()).isEqualTo(1);
        assertThat(meters.counter("webhooks.duplicates.store.failures", "operation", "cleanup").count()).isEqualTo(1);
    }

    @Test
    void whileTheDatabaseFailsItIsTriedAgainOnlyAfterTheRetryInterval() {
        AtomicBoolean down = new AtomicBoolean(true);
        PostgresDeliveryWindow window = window(switchable(down), Duration.ofMinutes(10), 60_000);

        assertThat(window.claim("k-1", "a").state()).isEqualTo(State.UNAVAILABLE);
        down.set(false);

        // within the interval the local window decides without asking, so a webhook never waits on a dead pool twice
        assertThat(window.claim("k-1", "a").state()).isEqualTo(State.UNAVAILABLE);
        assertThat(meters.counter("webhooks.duplicates.store.failures", "operation", "claim").count()).isEqualTo(1);
    }
}
