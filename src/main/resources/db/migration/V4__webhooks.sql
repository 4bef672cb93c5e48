-- Metadata: a copy of each job's request labels, for the list filters.
create table job_metadata (
    job_id uuid         not null references jobs (id) on delete cascade,
    key    varchar(63)  not null,
    value  varchar(256) not null,
    primary key (job_id, key)
);
create index job_metadata_key_value_idx on job_metadata (key, value);

-- Signs the deliveries of a job's own notify webhook.
alter table jobs add column notify_secret varchar(64);

-- Endpoints a tenant registered for all its jobs' events.
create table webhook_endpoints (
    id               uuid primary key,
    tenant           varchar(255) not null,
    url              text         not null,
    events           text         not null,
    secret           varchar(64)  not null,
    description      varchar(256),
    created_at       timestamptz  not null,
    last_failure_at  timestamptz,
    last_failure     text,
    failed_deliveries bigint      not null default 0
);
create index webhook_endpoints_tenant_idx on webhook_endpoints (tenant);

-- The outbox: one row per event and receiver, written in the transaction of the job's state change. Pollers claim
-- due rows with FOR UPDATE SKIP LOCKED and push next_attempt_at past the delivery timeout before posting.
create table webhook_deliveries (
    id              varchar(64)  primary key,
    job_id          uuid         not null references jobs (id) on delete cascade,
    endpoint_id     uuid         references webhook_endpoints (id) on delete set null,
    url             text         not null,
    secret          varchar(64)  not null,
    event_type      varchar(32)  not null,
    payload         text         not null,
    created_at      timestamptz  not null,
    status          varchar(16)  not null,
    attempts        integer      not null default 0,
    next_attempt_at timestamptz,
    delivered_at    timestamptz
);
create index webhook_deliveries_due_idx on webhook_deliveries (next_attempt_at) where status = 'PENDING';
create index webhook_deliveries_job_idx on webhook_deliveries (job_id, created_at);

create table webhook_attempts (
    id           bigserial    primary key,
    delivery_id  varchar(64)  not null references webhook_deliveries (id) on delete cascade,
    at           timestamptz  not null,
    status_code  integer,
    error        text,
    latency_ms   bigint       not null
);
create index webhook_attempts_delivery_idx on webhook_attempts (delivery_id, id);
