package io.embedmerge;

import static org.assertj.core.api.Assertions.assertThat;

import io.embedmerge.support.EmbeddedPostgresHolder;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The default, no-install database: a PostgreSQL left running by a killed service must not block the next start. */
class EmbeddedDatabaseTest {

    @TempDir
    Path dir;

    @Test
    void aServerOrphanedByAKilledProcessIsStoppedAndTheDataSurvives() throws Exception {
        Path data = dir.resolve("pg");
        Process holder = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-cp",
                        System.getProperty("java.class.path"),
                        EmbeddedPostgresHolder.class.getName(),
                        data.toString())
                .redirectErrorStream(true)
                .start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream()))) {
            String line;
            while ((line = out.readLine()) != null && !line.contains("READY")) {
                // wait for the server to be up
            }
            assertThat(line).as("holder process output").isEqualTo("READY");
        }
        holder.destroyForcibly();
        holder.waitFor();

        EmbeddedDatabaseConfiguration.stopOrphanedServer(data);

        try (EmbeddedPostgres restarted = EmbeddedPostgres.builder()
                        .setDataDirectory(data)
                        .setCleanDataDirectory(false)
                        .start();
                Connection c = restarted.getPostgresDatabase().getConnection();
                ResultSet rs = c.createStatement().executeQuery("select x from survivor")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getInt(1)).isEqualTo(42);
        }
    }
}
