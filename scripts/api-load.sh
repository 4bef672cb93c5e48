#!/usr/bin/env bash
# API under load with wrk (loopback only): GET one job, list 20 jobs, submit. Run against an instance started with
# merge.worker.enabled=false, so that submitted jobs stay queued and can be counted: every 202 must be one stored
# job, none lost. Each request is warmed up for WARMUP seconds (default 20: the JIT of a 2-core machine) first.
#   scripts/api-load.sh http://127.0.0.1:8080 /path/inside/a/local-root [seconds]
set -euo pipefail
url=${1:?url}; dir=${2:?folder inside a storage root}; seconds=${3:-15}; warmup=${WARMUP:-20}
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$dir"
python3 -c "
import sys; sys.path.insert(0, '$here')
import bench_e2e as b, numpy as np
specs = [('w', (16, 16))]
b.generate('$dir/base', specs, 'F32', 1)
b.generate('$dir/model', specs, 'F32', 2, '$dir/base')
"
body=$(mktemp)
printf '{"kind": "merge", "base": "file:%s/base", "models": [{"uri": "file:%s/model"}], "method": {"name": "linear"}}' \
    "$dir" "$dir" > "$body"
count() {
    python3 -c "
import json, urllib.request
ids, token = set(), None
while True:
    page = json.load(urllib.request.urlopen('$url/v1/jobs?pageSize=200' + ('&pageToken=' + token if token else '')))
    ids.update(j['id'] for j in page['jobs'])
    token = page.get('nextPageToken')
    if not token: break
print(len(ids))"
}
warm() { wrk -t2 -c32 -d"${warmup}s" "$@" > /dev/null; }   # JIT and connection pools first, not measured
measure() { wrk -t2 -c32 -d"${seconds}s" --latency "$@"; }
# Each request is warmed up and measured in turn: the submit warm-up inserts tens of thousands of jobs, and the
# autovacuum and checkpoints that follow would otherwise run during the read measurements.
# 100 jobs first, so that a list page holds 20 of them
id=$(python3 -c "
import urllib.request
body = open('$body', 'rb').read()
for _ in range(100):
    request = urllib.request.Request('$url/v1/jobs', body, {'Content-Type': 'application/json'})
    answer = urllib.request.urlopen(request).read()
import json; print(json.loads(answer)['id'])")
echo "== GET /v1/jobs/$id"
warm "$url/v1/jobs/$id"
measure "$url/v1/jobs/$id"
echo "== GET /v1/jobs?pageSize=20"
warm "$url/v1/jobs?pageSize=20"
measure "$url/v1/jobs?pageSize=20"
echo "== POST /v1/jobs"
SUBMIT_BODY=$body warm -s "$here/wrk-submit.lua" "$url/v1/jobs"
before=$(count)
SUBMIT_BODY=$body measure -s "$here/wrk-submit.lua" "$url/v1/jobs"
after=$(count)
# wrk stops without waiting for the requests in flight: those jobs are stored but not counted as accepted, so the
# stored count may exceed the accepted count by up to the number of connections (32), never fall below it
echo "jobs stored by the submit run: $((after - before)) (accepted above; at most 32 more: requests in flight at the end)"
rm -f "$body"
