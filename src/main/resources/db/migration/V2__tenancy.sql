-- Tenancy: every job records who submitted it and for which tenant; lookups and idempotency keys are per tenant.
alter table jobs add column owner varchar(255) not null default 'local';
alter table jobs add column tenant varchar(255) not null default 'default';
-- bytes of the published output, counted against the tenant's daily write quota
alter table jobs add column output_bytes bigint;

alter table jobs drop constraint jobs_idempotency_key_key;
alter table jobs add constraint jobs_tenant_idempotency_key_key unique (tenant, idempotency_key);

create index jobs_tenant_created_idx on jobs (tenant, created_at desc, id desc);
create index jobs_tenant_status_idx on jobs (tenant, status);
create index jobs_tenant_finished_idx on jobs (tenant, finished_at);

-- Audit events of denied requests belong to no job.
alter table job_events alter column job_id drop not null;
