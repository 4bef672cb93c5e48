#!/usr/bin/env bash
# API under load with wrk (loopback only): GET one job, list 20 jobs, submit. Run against an instance started with
# merge.worker.enabled=false, so that submitted jobs stay queued and can be counted: every 202 must be exactly one
# stored job (none lost, none duplicated). Each request is warmed up for WARMUP seconds (default 5) first.
#   scripts/api-load.sh http://127.0.0.1:8080 /path/inside/a/local-root [seconds]
set -euo pipefail
url=${1:?url}; dir=${2:?folder inside a storage root}; seconds=${3:-15}; warmup=${WARMUP:-5}
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
id=$(curl -sf -H 'Content-Type: application/json' --data @"$body" "$url/v1/jobs" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
warm "$url/v1/jobs/$id"
warm "$url/v1/jobs?pageSize=20"
SUBMIT_BODY=$body warm -s "$here/wrk-submit.lua" "$url/v1/jobs"
before=$(count)
echo "== GET /v1/jobs/$id"
wrk -t2 -c32 -d"${seconds}s" --latency "$url/v1/jobs/$id"
echo "== GET /v1/jobs?pageSize=20"
wrk -t2 -c32 -d"${seconds}s" --latency "$url/v1/jobs?pageSize=20"
echo "== POST /v1/jobs"
SUBMIT_BODY=$body wrk -t2 -c32 -d"${seconds}s" --latency -s "$here/wrk-submit.lua" "$url/v1/jobs"
after=$(count)
echo "jobs stored by the submit run: $((after - before)) (compare with 'accepted' above)"
rm -f "$body"
