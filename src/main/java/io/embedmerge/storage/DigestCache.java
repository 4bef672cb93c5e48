package io.embedmerge.storage;

import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/** SHA-256 of input files remembered in PostgreSQL, one row per real path, valid only for the identity stored. */
@Component
class DigestCache {

    private final JdbcTemplate jdbc;

    DigestCache(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** The remembered checksum if the file still has exactly the identity it was hashed with. */
    Optional<String> find(FileIdentity id) {
        List<String> found = jdbc.queryForList(
                """
                        select sha256 from file_digests where real_path = ? and size_bytes = ? and modified_nanos = ?
                        and changed_nanos = ? and file_key = ? and etag = ?""",
                String.class,
                id.realPath(),
                id.size(),
                id.modifiedNanos(),
                id.changedNanos(),
                id.fileKey(),
                id.etag());
        return found.stream().findFirst();
    }

    void remember(FileIdentity id, String sha256) {
        jdbc.update(
                """
                        insert into file_digests (real_path, size_bytes, modified_nanos, changed_nanos, file_key, etag, sha256)
                        values (?, ?, ?, ?, ?, ?, ?)
                        on conflict (real_path) do update set size_bytes = excluded.size_bytes,
                        modified_nanos = excluded.modified_nanos, changed_nanos = excluded.changed_nanos,
                        file_key = excluded.file_key, etag = excluded.etag, sha256 = excluded.sha256, hashed_at = now()""", id.realPath(), id.size(), id.modifiedNanos(), id.changedNanos(), id.fileKey(), id.etag(), sha256);
    }
}
