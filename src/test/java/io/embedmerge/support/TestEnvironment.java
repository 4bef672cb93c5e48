package io.embedmerge.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.postgresql.PostgreSQLContainer;

/**
 * Where tests keep state. PostgreSQL comes from Testcontainers when Docker is available, else from
 * {@code TEST_DATABASE_URL} (default the local server). Each test run gets its own schema, so runs never see each
 * other's jobs; each test JVM gets its own storage root under target/.
 */
public final class TestEnvironment {

    /** Seconds since the epoch, then a random part: old schemas of earlier runs are recognised and dropped. */
    private static final String RUN =
            Instant.now().getEpochSecond() + "_" + UUID.randomUUID().toString().substring(0, 6);

    private static final Pattern RUN_SCHEMA = Pattern.compile("(test|failover|restart|walkthrough)_(\\d+)_.*");
    private static final AtomicBoolean CLEANED = new AtomicBoolean();
    private static final Path STORAGE_ROOT = createStorageRoot();
    private static volatile PostgreSQLContainer container;

    private TestEnvironment() {}

    public static Path storageRoot() {
        return STORAGE_ROOT;
    }

    private static Path createStorageRoot() {
        try {
            return Files.createDirectories(Path.of("target", "test-storage", RUN))
                    .toAbsolutePath()
                    .toRealPath();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Spring properties for a service instance using the given database schema. */
    public static Map<String, String> properties(String schema) {
        Map<String, String> p = new LinkedHashMap<>();
        String url = baseUrl();
        if (CLEANED.compareAndSet(false, true)) {
            dropSchemasOfOldRuns(url);
        }
        p.put("spring.datasource.url", url + (url.contains("?") ? "&" : "?") + "currentSchema=" + schema);
        p.put("spring.datasource.username", username());
        p.put("spring.datasource.password", password());
        p.put("spring.flyway.schemas", schema);
        // the open mode (no authentication) on loopback; tests of the secured mode add merge.security.* settings
        p.put("server.address", "127.0.0.1");
        p.put("merge.security.mode", "auto");
        p.put("merge.storage.local-roots", STORAGE_ROOT.toString());
        p.put(
                "merge.storage.default-output",
                STORAGE_ROOT.resolve("outputs").toUri().toString());
        p.put("merge.storage.cache-dir", STORAGE_ROOT.resolve("cache").toString());
        p.put("merge.worker.polling-interval", "200ms");
        p.put("merge.worker.heartbeat-interval", "500ms");
        p.put("merge.worker.missed-heartbeats-limit", "4");
        p.put("merge.worker.shutdown-max-wait", "2s");
        p.put("merge.worker.progress-interval", "20ms");
        p.put("merge.metrics.refresh", "200ms");
        p.put("merge.webhooks.allowed-http-hosts", "127.0.0.1");
        p.put("merge.webhooks.allowed-networks", "127.0.0.0/8");
        p.put("merge.webhooks.retry-schedule", "100ms,100ms,100ms,100ms");
        p.put("merge.webhooks.poll-interval", "50ms");
        return p;
    }

    /** The schema shared by the ordinary integration tests of this run. */
    public static String sharedSchema() {
        return "test_" + RUN;
    }

    public static String newSchema(String prefix) {
        return prefix + "_" + RUN + "_" + UUID.randomUUID().toString().substring(0, 6);
    }

    /** Test runs against a shared server leave their schemas behind; drop those older than a day. */
    private static void dropSchemasOfOldRuns(String url) {
        long dayAgo = Instant.now().minus(Duration.ofDays(1)).getEpochSecond();
        try (Connection c = DriverManager.getConnection(url, username(), password());
                ResultSet rs =
                        c.createStatement().executeQuery("select schema_name from information_schema.schemata")) {
            List<String> old = new ArrayList<>();
            while (rs.next()) {
                Matcher m = RUN_SCHEMA.matcher(rs.getString(1));
                if (m.matches() && Long.parseLong(m.group(2)) < dayAgo) {
                    old.add(rs.getString(1));
                }
            }
            for (String schema : old) {
                c.createStatement().execute("drop schema if exists \"" + schema + "\" cascade");
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot reach the test database at " + url + ": " + e.getMessage(), e);
        }
    }

    private static String baseUrl() {
        if (dockerAvailable()) {
            return postgres().getJdbcUrl();
        }
        return System.getenv().getOrDefault("TEST_DATABASE_URL", "jdbc:postgresql://127.0.0.1:5432/test");
    }

    private static String username() {
        return dockerAvailable()
                ? postgres().getUsername()
                : System.getenv().getOrDefault("TEST_DATABASE_USER", "root");
    }

    private static String password() {
        return dockerAvailable()
                ? postgres().getPassword()
                : System.getenv().getOrDefault("TEST_DATABASE_PASSWORD", "");
    }

    private static boolean dockerAvailable() {
        if (System.getenv("TEST_DATABASE_URL") != null) {
            return false;
        }
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static synchronized PostgreSQLContainer postgres() {
        if (container == null) {
            PostgreSQLContainer started = new PostgreSQLContainer("postgres:17-alpine");
            started.start();
            container = started;
        }
        return container;
    }
}
