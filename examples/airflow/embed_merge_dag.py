"""Merge two checkpoints with embed-merge and evaluate the result, from Apache Airflow.

README: "Integrate with a pipeline" > "Ready-made steps". Needs apache-airflow-providers-http and an HTTP
connection ``embed_merge`` whose host is the service (e.g. ``http://embed-merge.merge.svc.cluster.local:8080``);
with authentication, put the header in the connection's extra: ``{"Authorization": "Bearer <token>"}`` or
``{"X-API-Key": "<key>"}`` (the HTTP hook sends the extra as headers).

The bodies and query strings are the files of ``examples/requests`` (copy that folder next to this file, or set
EMBED_MERGE_REQUESTS); the DAG changes only the fields a run chooses (checkpoints, method, metadata).

Waiting: an HttpSensor in reschedule mode polls ``GET /v1/jobs/{id}?wait=60s``, which answers as soon as the job
ends (or after 60 s), so a job that ends is seen at once and the worker slot is free between polls.
"""
from __future__ import annotations

import json
import os
from datetime import datetime, timedelta
from pathlib import Path

from airflow.exceptions import AirflowFailException
from airflow.providers.http.operators.http import HttpOperator
from airflow.providers.http.sensors.http import HttpSensor

try:  # Airflow 3
    from airflow.sdk import DAG, Param
except ImportError:  # Airflow 2
    from airflow import DAG
    from airflow.models.param import Param

HERE = Path(__file__).resolve().parent
REQUESTS = Path(os.environ.get("EMBED_MERGE_REQUESTS", HERE / "requests"))
if not REQUESTS.is_dir():
    REQUESTS = HERE.parent / "requests"  # inside a checkout of the repository


def request(name: str) -> dict:
    return json.loads((REQUESTS / name).read_text(encoding="utf-8"))


QUERIES = request("queries.json")
CONN = "embed_merge"
ENDED = {"SUCCEEDED", "FAILED", "CANCELLED"}


def ended(response, **_) -> bool:
    """The sensor's check: True once the job succeeded; a job that failed or was cancelled fails the task."""
    job = response.json()
    if job["status"] in ("FAILED", "CANCELLED"):
        raise AirflowFailException(f"job {job['id']} {job['status']}: {json.dumps(job.get('error'))}")
    return job["status"] == "SUCCEEDED"


def body(name: str, fields: dict) -> str:
    """The request file with the given top-level fields set; Jinja in the values is rendered when the task runs."""
    payload = request(name)
    payload.update(fields)
    payload["metadata"] = {**payload.get("metadata", {}), "experiment": "{{ params.experiment }}",
                           "airflow-dag": "{{ dag.dag_id }}", "airflow-run": "{{ run_id }}"}
    return json.dumps(payload)


def wait_for(task_id: str, submit_task: str) -> HttpSensor:
    return HttpSensor(
        task_id=task_id,
        http_conn_id=CONN,
        endpoint=QUERIES["wait"]["path"].replace("{id}", "{{ ti.xcom_pull(task_ids='%s') }}" % submit_task),
        request_params=QUERIES["wait"]["query"],
        headers={"Accept": "application/json"},
        response_check=ended,
        mode="reschedule",
        poke_interval=30,
        timeout=timedelta(hours=12).total_seconds(),
    )


def submit(task_id: str, data: str) -> HttpOperator:
    return HttpOperator(
        task_id=task_id,
        http_conn_id=CONN,
        method="POST",
        endpoint="/v1/jobs",
        data=data,
        headers={"Content-Type": "application/json", "Accept": "application/json",
                 # a retry of the task replays the same job instead of submitting another
                 "Idempotency-Key": "{{ dag.dag_id }}-{{ run_id }}-%s" % task_id},
        response_check=lambda response: response.status_code == 202,
        response_filter=lambda response: response.json()["id"],
        log_response=True,
    )


with DAG(
    dag_id="embed_merge",
    start_date=datetime(2025, 1, 1),
    schedule=None,
    catchup=False,
    params={
        "base": Param("file:./data/models/base", type="string"),
        "model_a": Param("file:./data/models/sts", type="string"),
        "model_b": Param("file:./data/models/nli", type="string"),
        "method": Param(request("merge.json")["method"], type="object"),
        "experiment": Param("airflow", type="string"),
    },
    tags=["embed-merge"],
) as dag:
    merge_models = request("merge.json")["models"]
    submit_merge = submit("submit_merge", body("merge.json", {
        "base": "{{ params.base }}",
        "models": [{**merge_models[0], "uri": "{{ params.model_a }}"}, {**merge_models[1], "uri": "{{ params.model_b }}"}],
        # rendered as the param's JSON (the method is an object)
        "method": "__METHOD__",
    }).replace('"__METHOD__"', "{{ params.method | tojson }}"))
    wait_merge = wait_for("wait_merge", "submit_merge")
    merged_uri = HttpOperator(
        task_id="merged_uri",
        http_conn_id=CONN,
        method="GET",
        endpoint="/v1/jobs/{{ ti.xcom_pull(task_ids='submit_merge') }}",
        headers={"Accept": "application/json"},
        response_filter=lambda response: response.json()["result"]["output"]["uri"],
    )
    submit_evaluate = submit("submit_evaluate", body("evaluate.json", {
        "checkpoint": "{{ ti.xcom_pull(task_ids='merged_uri') }}",
    }))
    wait_evaluate = wait_for("wait_evaluate", "submit_evaluate")

    submit_merge >> wait_merge >> merged_uri >> submit_evaluate >> wait_evaluate
