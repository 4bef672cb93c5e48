"""embed-merge steps for Kubeflow Pipelines (KFP v2): merge two checkpoints, then evaluate the merged one.

README: "Integrate with a pipeline" > "Ready-made steps". Compile with ``python embed_merge_pipeline.py`` (needs
``kfp`` 2.x; ``kfp-kubernetes`` only for the Secret below) and upload embed_merge_pipeline.yaml.

``embed_merge_job`` submits one job (POST /v1/jobs) and waits with GET /v1/jobs/{id}?wait=60s in a loop; it needs
nothing beyond the Python standard library, so it runs on a plain python image. The request bodies and the wait
query are the files of examples/requests, read when the pipeline is compiled and passed as parameters; a run
sets only the fields it chooses (base, checkpoint, models[0..1].uri, method, metadata).
Credentials: env EMBED_MERGE_TOKEN (bearer) or EMBED_MERGE_API_KEY (X-API-Key), from the Kubernetes Secret
embed-merge-client when kfp-kubernetes is installed.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import NamedTuple

from kfp import compiler, dsl

REQUESTS = Path(__file__).resolve().parent.parent / "requests"


def request(name: str) -> str:
    return (REQUESTS / name).read_text(encoding="utf-8")


@dsl.component(base_image="python:3.12-slim")
def embed_merge_job(api: str, request: str, queries: str, idempotency_key: str, experiment: str, run: str,
                    base: str = "", checkpoint: str = "", model_a: str = "", model_b: str = "",
                    method: dict = {}) -> NamedTuple("Job", [("id", str), ("output_uri", str), ("score", float)]):
    """Submits `request` with the non-empty fields set, waits for the job, fails unless it succeeded."""
    import json
    import os
    import time
    import urllib.error
    import urllib.parse
    import urllib.request
    from collections import namedtuple

    headers = {"Accept": "application/json"}
    if os.environ.get("EMBED_MERGE_TOKEN"):
        headers["Authorization"] = "Bearer " + os.environ["EMBED_MERGE_TOKEN"]
    if os.environ.get("EMBED_MERGE_API_KEY"):
        headers["X-API-Key"] = os.environ["EMBED_MERGE_API_KEY"]

    def call(method, path, body=None, extra=None):
        data = None if body is None else json.dumps(body).encode()
        for attempt in range(6):
            req = urllib.request.Request(api.rstrip("/") + path, data=data, method=method,
                                         headers={**headers, **(extra or {})})
            try:
                with urllib.request.urlopen(req, timeout=90) as response:
                    return json.load(response)
            except urllib.error.HTTPError as e:
                if e.code < 500:
                    raise RuntimeError(f"{method} {path}: {e.code} {e.read().decode(errors='replace')}") from e
            except (urllib.error.URLError, TimeoutError):
                pass
            time.sleep(2 ** attempt)
        raise RuntimeError(f"{method} {path}: no answer")

    body = json.loads(request)
    for field, value in (("base", base), ("checkpoint", checkpoint), ("method", method)):
        if value:
            body[field] = value
    for i, uri in enumerate((model_a, model_b)):
        if uri:
            body["models"][i]["uri"] = uri
    body["metadata"] = {**body.get("metadata", {}), "experiment": experiment, "kfp-run": run}
    # the Idempotency-Key makes the retries of the POST safe: a replay answers with the same job
    job = call("POST", "/v1/jobs", body, {"Content-Type": "application/json", "Idempotency-Key": idempotency_key})
    print("job", job["id"], json.dumps(body))
    wait = json.loads(queries)["wait"]
    path = wait["path"].replace("{id}", job["id"]) + "?" + urllib.parse.urlencode(wait["query"])
    while job["status"] not in ("SUCCEEDED", "FAILED", "CANCELLED"):
        job = call("GET", path)
        print(job["status"], json.dumps(job.get("progress")))
    if job["status"] != "SUCCEEDED":
        raise RuntimeError(f"job {job['id']} {job['status']}: {json.dumps(job.get('error'))}")
    result = job.get("result") or {}
    out = namedtuple("Job", ["id", "output_uri", "score"])
    return out(job["id"], (result.get("output") or {}).get("uri", ""), float(result.get("averageScore") or 0.0))


def with_credentials(task):
    """The Secret embed-merge-client (keys token, api-key) as environment, where kfp-kubernetes is installed."""
    try:
        from kfp import kubernetes
    except ImportError:
        return task
    kubernetes.use_secret_as_env(task, secret_name="embed-merge-client", optional=True,
                                 secret_key_to_env={"token": "EMBED_MERGE_TOKEN", "api-key": "EMBED_MERGE_API_KEY"})
    return task


MERGE = json.loads(request("merge.json"))


@dsl.pipeline(name="embed-merge", description="Merge two embedding checkpoints with embed-merge and evaluate the merge")
def embed_merge_pipeline(api: str = "http://embed-merge.merge.svc.cluster.local:8080",
                         base: str = MERGE["base"], model_a: str = MERGE["models"][0]["uri"],
                         model_b: str = MERGE["models"][1]["uri"], method: dict = MERGE["method"],
                         experiment: str = "kubeflow"):
    merge = with_credentials(embed_merge_job(
        api=api, request=request("merge.json"), queries=request("queries.json"),
        experiment=experiment, run=dsl.PIPELINE_JOB_NAME_PLACEHOLDER,
        base=base, model_a=model_a, model_b=model_b, method=method,
        idempotency_key=dsl.PIPELINE_TASK_ID_PLACEHOLDER))
    with_credentials(embed_merge_job(
        api=api, request=request("evaluate.json"), queries=request("queries.json"),
        experiment=experiment, run=dsl.PIPELINE_JOB_NAME_PLACEHOLDER,
        checkpoint=merge.outputs["output_uri"],
        idempotency_key=dsl.PIPELINE_TASK_ID_PLACEHOLDER))


if __name__ == "__main__":
    compiler.Compiler().compile(embed_merge_pipeline, str(Path(__file__).with_suffix(".yaml")))
