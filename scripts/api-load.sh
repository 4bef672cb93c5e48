#!/usr/bin/env bash
# API under load with wrk (loopback only): GET one job, list 20 jobs, submit. Run against an instance started with
# merge.worker.enabled=false, so that submitted jobs stay queued and can be checked: every 202 must be one stored
# job, none lost, none duplicated. Each request is warmed up for WARMUP seconds first (default 20: the JIT of a
# 2-core machine needs them).
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
ids() {   # the ids of every stored job, one per line
    python3 -c "
import json, urllib.request
token = None
while True:
    page = json.load(urllib.request.urlopen('$url/v1/jobs?pageSize=200' + ('&pageToken=' + token if token else '')))
    for job in page['jobs']: print(job['id'])
    token = page.get('nextPageToken')
    if not token: break"
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
work=$(mktemp -d)
ids > "$work/before"
SUBMIT_BODY=$body ACCEPTED_IDS=$work/accepted measure -s "$here/wrk-submit.lua" "$url/v1/jobs"
ids > "$work/after"
# wrk stops without waiting for the requests in flight: those jobs are stored but not in the accepted list, so up to
# one per connection (32) may be stored without a 202 seen; an accepted job missing or a 202 repeated is a failure
python3 - "$work" <<'CHECK'
import glob, sys
work = sys.argv[1]
before = set(open(work + '/before').read().split())
stored = [i for i in open(work + '/after').read().split() if i not in before]
accepted = [i for f in glob.glob(work + '/accepted.*') for i in open(f).read().split()]
lost = set(accepted) - set(stored)
repeated = len(accepted) - len(set(accepted))
print(f'submit run: {len(accepted)} accepted, {len(stored)} stored ({len(stored) - len(set(accepted))} in flight '
      f'when wrk stopped), {len(lost)} accepted but not stored, {repeated} ids answered twice')
sys.exit(1 if lost or repeated or len(stored) != len(set(stored)) or len(stored) - len(accepted) > 32 else 0)
CHECK
rm -rf "$work"
rm -f "$body"
