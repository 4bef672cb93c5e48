package io.embedmerge.support;

import org.testcontainers.DockerClientFactory;
import org.testcontainers.postgresql.PostgreSQLContainer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Where tests keep state. PostgreSQL comes from Testcontainers when Docker is available, else from
 * {@code TEST_DATABASE_URL} (default the local server). Each test run gets its own schema, so runs never see each
 * other's jobs; each test JVM gets its own storage root under target/.
 */
public final class TestEnvironment {

    private static final String RUN = UUID.randomUUID().toString().substring(0, 8);
    private static final Path STORAGE_ROOT = createStorageRoot();
    private static volatile PostgreSQLContainer container;

    private TestEnvironment() {
    }

    public static Path storageRoot() {
        return STORAGE_ROOT;
    }

    private static Path createStorageRoot() {
        try {
            return Files.createDirectories(Path.of("target", "test-storage", RUN)).toAbsolutePath().toRealPath();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Spring properties for a service instance using the given database schema. */
    public static Map<String, String> properties(String schema) {
        Map<String, String> p = new LinkedHashMap<>();
        String url = baseUrl();
        p.put("spring.datasource.url", url + (url.contains("?") ? "&" : "?") + "currentSchema=" + schema);
        p.put("spring.datasource.username", username());
        p.put("spring.datasource.password", password());
        p.put("spring.flyway.schemas", schema);
        p.put("merge.storage.local-roots", STORAGE_ROOT.toString());
        p.put("merge.storage.default-output", STORAGE_ROOT.resolve("outputs").toUri().toString());
        p.put("merge.storage.cache-dir", STORAGE_ROOT.resolve("cache").toString());
        p.put("merge.worker.polling-interval", "200ms");
        p.put("merge.worker.heartbeat-interval", "500ms");
        p.put("merge.worker.missed-heartbeats-limit", "4");
        p.put("merge.worker.shutdown-max-wait", "2s");
        p.put("merge.worker.progress-interval", "20ms");
        p.put("merge.metrics.refresh", "200ms");
        return p;
    }

    /** The schema shared by the ordinary integration tests of this run. */
    public static String sharedSchema() {
        return "test_" + RUN;
    }

    public static String newSchema(String prefix) {
        return prefix + "_" + RUN + "_" + UUID.randomUUID().toString().substring(0, 6);
    }

    private static String baseUrl() {
        if (dockerAvailable()) {
            return postgres().getJdbcUrl();
        }
        return System.getenv().getOrDefault("TEST_DATABASE_URL", "jdbc:postgresql://127.0.0.1:5432/test");
    }

    private static String username() {
        return dockerAvailable() ? postgres().getUsername()
                : System.getenv().getOrDefault("TEST_DATABASE_USER", "root");
    }

    private static String password() {
        return dockerAvailable() ? postgres().getPassword()
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
