package io.embedmerge;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The service's own PostgreSQL (zonky's embedded binaries) on a data folder: started once, and started again on the
 * same port when its server process has died, so the connection pool recovers without a service restart.
 * Durable by default: zonky starts PostgreSQL with {@code -F} (fsync off) and {@code synchronous_commit=off}, so an
 * acknowledged job could be lost in a crash; {@code fsync}, {@code synchronous_commit} and {@code full_page_writes}
 * are set back on.
 */
final class EmbeddedDatabase implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedDatabase.class);

    private final Path dataDir;
    private final boolean fsync;
    private EmbeddedPostgres server;
    private int port;

    private EmbeddedDatabase(Path dataDir, boolean fsync) {
        this.dataDir = dataDir;
        this.fsync = fsync;
    }

    static EmbeddedDatabase start(Path dataDir, int port, boolean fsync) {
        EmbeddedDatabase database = new EmbeddedDatabase(dataDir, fsync);
        database.port = port;
        database.startServer();
        return database;
    }

    private synchronized void startServer() {
        try {
            Files.createDirectories(dataDir);
            EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                    .setDataDirectory(dataDir)
                    .setCleanDataDirectory(false)
                    .setServerConfig("fsync", fsync ? "on" : "off")
                    .setServerConfig("full_page_writes", fsync ? "on" : "off")
                    .setServerConfig("synchronous_commit", fsync ? "on" : "off");
            if (port > 0) {
                builder.setPort(port);
            }
            server = builder.start();
            port = server.getPort();
            log.info("embedded PostgreSQL on port {} with data in {} (fsync {})", port, dataDir, fsync ? "on" : "off");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the embedded PostgreSQL in " + dataDir, e);
        }
    }

    String jdbcUrl() {
        return server.getJdbcUrl("postgres", "postgres");
    }

    /** The server's process, as its pid file names it; empty when it is not running. */
    Optional<ProcessHandle> serverProcess() {
        Path pidFile = dataDir.resolve("postmaster.pid");
        try {
            List<String> lines = Files.isRegularFile(pidFile) ? Files.readAllLines(pidFile) : List.of();
            if (lines.isEmpty() || !lines.getFirst().strip().matches("\\d+")) {
                return Optional.empty();
            }
            return ProcessHandle.of(Long.parseLong(lines.getFirst().strip())).filter(ProcessHandle::isAlive);
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Starts the server again if its process has gone; true if it had to. */
    synchronized boolean restartIfDead() {
        if (serverProcess().isPresent()) {
            return false;
        }
        log.warn("embedded PostgreSQL on port {} is not running; starting it again on the same port", port);
        try {
            server.close();
        } catch (IOException | RuntimeException e) {
            log.debug("closing the dead embedded PostgreSQL", e);
        }
        startServer();
        return true;
    }

    @Override
    public synchronized void close() throws IOException {
        server.close();
    }
}
