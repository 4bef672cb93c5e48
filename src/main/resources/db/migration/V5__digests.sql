-- SHA-256 of input files, remembered per real path with the identity the file had when it was hashed; a row is
-- used only while every identity column still matches the file (any change means the file is hashed again).
create table file_digests (
    real_path      text        primary key,
    size_bytes     bigint      not null,
    modified_nanos bigint      not null,
    changed_nanos  bigint      not null,
    file_key       text        not null,
    etag           text        not null default '',
    sha256         char(64)    not null,
    hashed_at      timestamptz not null default now()
);
