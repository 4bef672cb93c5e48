create table jobs (
    id                uuid primary key,
    kind              varchar(32)  not null,
    status            varchar(16)  not null,
    request           text         not null,
    request_hash      varchar(64)  not null,
    idempotency_key   varchar(255) unique,
    progress_stage    varchar(64),
    progress_fraction double precision,
    progress_message  text,
    created_at        timestamptz  not null,
    started_at        timestamptz,
    finished_at       timestamptz,
    result            text,
    error_code        varchar(64),
    error_message     text,
    attempt           integer      not null default 0,
    cancel_requested  boolean      not null default false,
    worker            varchar(255),
    version           bigint       not null default 0
);

create index jobs_created_idx on jobs (created_at desc, id desc);
create index jobs_status_created_idx on jobs (status, created_at desc, id desc);

create table job_events (
    id      bigserial primary key,
    job_id  uuid        not null references jobs (id) on delete cascade,
    type    varchar(32) not null,
    at      timestamptz not null,
    data    text        not null
);

create index job_events_job_idx on job_events (job_id, id);

-- The queue of db-scheduler (com.github.kagkarlsson:db-scheduler), shared by every service instance.
create table scheduled_tasks (
    task_name            text                     not null,
    task_instance        text                     not null,
    task_data            bytea,
    execution_time       timestamp with time zone not null,
    picked               boolean                  not null,
    picked_by            text,
    last_success         timestamp with time zone,
    last_failure         timestamp with time zone,
    consecutive_failures int,
    last_heartbeat       timestamp with time zone,
    version              bigint                   not null,
    priority             smallint,
    primary key (task_name, task_instance)
);

create index execution_time_idx on scheduled_tasks (execution_time);
create index last_heartbeat_idx on scheduled_tasks (last_heartbeat);
create index priority_execution_time_idx on scheduled_tasks (priority desc, execution_time asc);
