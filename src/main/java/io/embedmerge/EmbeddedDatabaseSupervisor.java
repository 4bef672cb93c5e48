package io.embedmerge;

import org.springframework.scheduling.annotation.Scheduled;

/** Checks now and then that the embedded PostgreSQL still runs, and starts it again if not. */
class EmbeddedDatabaseSupervisor {

    private final EmbeddedDatabase database;

    EmbeddedDatabaseSupervisor(EmbeddedDatabase database) {
        this.database = database;
    }

    @Scheduled(
            fixedDelayString = "${merge.embedded-db.supervise-interval:5s}",
            initialDelayString = "${merge.embedded-db.supervise-interval:5s}")
    void superviseOnce() {
        database.restartIfDead();
    }
}
