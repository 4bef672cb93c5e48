package io.embedmerge;

import static org.assertj.core.api.Assertions.assertThat;

import io.embedmerge.support.ApiClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The default embedded PostgreSQL, durable, killed under a running API instance: requests fail fast with a 503
 * (not after the pool's old 30 s), health goes DOWN, and the supervisor brings the database back on the same port
 * with its data, without a restart of the service.
 */
@SpringBootTest(classes = EmbedMergeApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class DatabaseOutageTest {

    @LocalServerPort
    int port;

    @Autowired
    EmbeddedDatabase database;

    @Autowired
    EmbeddedDatabaseSupervisor supervisor;

    @Autowired
    DataSource dataSource;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) throws Exception {
        Path root = Files.createDirectories(Path.of("target", "outage-" + UUID.randomUUID()))
                .toAbsolutePath();
        registry.add("merge.embedded-db.dir", () -> root.resolve("pg").toString());
        registry.add("merge.embedded-db.supervise-interval", () -> "1h");
        registry.add("merge.storage.local-roots", root::toString);
        registry.add(
                "merge.storage.default-output",
                () -> root.resolve("outputs").toUri().toString());
        registry.add("merge.storage.cache-dir", () -> root.resolve("cache").toString());
        registry.add("merge.worker.enabled", () -> "false");
    }

    @Test
    void aDeadDatabaseGivesFast503sAndComesBackWithItsData() throws Exception {
        assertThat(setting("fsync")).as("durability on by default").isEqualTo("on");
        assertThat(setting("synchronous_commit"))
                .as("a commit is on disk when acknowledged")
                .isEqualTo("on");
        ApiClient api = new ApiClient(port);
        String id = api.post("/v1/jobs", "{\"kind\": \"import\", \"source\": \"builtin:all-minilm-l6-v2\"}")
                .body()
                .path("id")
                .asString();
        // killed right after the acknowledgement: the job must survive the crash

        ProcessHandle server = database.serverProcess().orElseThrow();
        server.destroyForcibly();
        server.onExit().get(20, TimeUnit.SECONDS);

        long start = System.nanoTime();
        ApiClient.Response during = api.get("/v1/jobs/" + id);
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("request while the database is down answered %d after %.2f s%n", during.status(), seconds);
        assertThat(during.status()).isEqualTo(503);
        assertThat(seconds).as("fails fast, not after a 30 s pool timeout").isLessThan(10);
        assertThat(during.header("Retry-After")).isEqualTo("5");
        assertThat(during.body().path("type").asString()).isEqualTo("/problems/database-unavailable");
        assertThat(api.getText("/actuator/health", "application/json").statusCode())
                .isEqualTo(503);

        assertThat(database.restartIfDead()).isTrue();
        ApiClient.Response after = api.get("/v1/jobs/" + id);
        for (long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                after.status() != 200 && System.nanoTime() < deadline;
                Thread.sleep(200)) {
            after = api.get("/v1/jobs/" + id);
        }
        assertThat(after.status()).as(after.body().toString()).isEqualTo(200);
        assertThat(after.body().path("status").asString()).isEqualTo("QUEUED");
        assertThat(api.getText("/actuator/health", "application/json").statusCode())
                .isEqualTo(200);
        supervisor.superviseOnce();
        assertThat(database.restartIfDead())
                .as("running again: nothing to restart")
                .isFalse();
    }

    private String setting(String name) throws Exception {
        try (Connection c = dataSource.getConnection();
                ResultSet rs = c.createStatement().executeQuery("show " + name)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
