-- Worker pools: each job is queued under its pool's task name and only workers of that pool pick it.
alter table jobs add column pool varchar(16) not null default 'cpu';
update jobs set pool = 'gpu' where kind in ('evaluate', 'train');
update scheduled_tasks set task_name = 'merge-job-' || j.pool
from jobs j where scheduled_tasks.task_name = 'job' and scheduled_tasks.task_instance = j.id::text;
