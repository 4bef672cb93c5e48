package io.embedmerge;

import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * With no {@code spring.datasource.url}, the service runs a real PostgreSQL of its own (zonky's embedded binaries)
 * with its data under {@code merge.embedded-db.dir}, so jobs survive restarts without any installation, and a
 * supervisor that starts it again if its process dies.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "spring.datasource.url", havingValue = "embedded", matchIfMissing = true)
class EmbeddedDatabaseConfiguration {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedDatabaseConfiguration.class);

    @Bean(destroyMethod = "close")
    EmbeddedDatabase embeddedDatabase(
            @Value("${merge.embedded-db.dir:./data/pg}") String dir,
            @Value("${merge.embedded-db.port:0}") int port,
            @Value("${merge.embedded-db.fsync:true}") boolean fsync)
            throws IOException {
        Path dataDir = Path.of(dir).toAbsolutePath().normalize();
        Files.createDirectories(dataDir);
        stopOrphanedServer(dataDir);
        return EmbeddedDatabase.start(dataDir, port, fsync);
    }

    @Bean
    EmbeddedDatabaseSupervisor embeddedDatabaseSupervisor(EmbeddedDatabase database) {
        return new EmbeddedDatabaseSupervisor(database);
    }

    /**
     * A service process that was killed hard leaves its PostgreSQL child running on the data folder, which would
     * block the next start; such an orphan (its command line names our data folder) is shut down first.
     */
    static void stopOrphanedServer(Path dataDir) throws IOException {
        Path pidFile = dataDir.resolve("postmaster.pid");
        if (!Files.isRegularFile(pidFile)) {
            return;
        }
        List<String> lines = Files.readAllLines(pidFile);
        if (lines.isEmpty() || !lines.getFirst().strip().matches("\\d+")) {
            return;
        }
        Optional<ProcessHandle> orphan = ProcessHandle.of(
                        Long.parseLong(lines.getFirst().strip()))
                .filter(p -> p.info()
                        .commandLine()
                        .map(c -> c.contains("postgres") && c.contains(dataDir.toString()))
                        .orElse(false));
        if (orphan.isEmpty()) {
            return;
        }
        log.warn(
                "stopping an orphaned embedded PostgreSQL (pid {}) left on {}",
                orphan.get().pid(),
                dataDir);
        orphan.get().destroy();
        try {
            orphan.get().onExit().get(20, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            orphan.get().destroyForcibly();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            throw new IllegalStateException(e);
        }
    }

    @Bean(destroyMethod = "close")
    DataSource dataSource(
            EmbeddedDatabase database,
            @Value("${spring.datasource.hikari.connection-timeout:2000}") long connectionTimeoutMillis) {
        HikariDataSource dataSource = new HikariDataSource();
        dataSource.setJdbcUrl(database.jdbcUrl());
        dataSource.setUsername("postgres");
        dataSource.setMaximumPoolSize(10);
        dataSource.setConnectionTimeout(connectionTimeoutMillis);
        return dataSource;
    }
}
