#!/usr/bin/env bash
# The README's real-data experiment, against a running service (default http://localhost:8080) whose storage root
# is ./data (the default). Needs curl and python3. Usage:
#   [METHODS="linear fisher"] [BASE=uri A=uri B=uri] [SP_PARAMS=json] [SP_PROBE=json] scripts/experiment.sh [steps-per-task]
# SP_PROBE replaces self_positioning's probe (default "builtin:stsb-en-dev"), e.g. a list of parts (README, "Probe mixtures")
#
# 1. import all-MiniLM-L6-v2 (no download)
# 2. fine-tune two task models from STS Benchmark train with two objectives: "retrieval" (paraphrase retrieval:
#    InfoNCE with in-batch negatives on the pairs scoring >= 4) and "similarity" (CoSENT on every pair's score)
# 3. merge them with linear, slerp, ties, fisher, regmean and self_positioning (probe: STS Benchmark dev, score >= 4)
# 4. score base, inputs and merges on STS Benchmark test (cosine Spearman) and on a retrieval set built from the
#    test pairs (queries: sentence1 of pairs scoring >= 4; corpus: every sentence2; relevant: the partner)
set -euo pipefail
API=${API:-http://localhost:8080}
STEPS=${1:-150}
# STS Benchmark as the repository ships it (src/main/resources/datasets; the service serves it as builtin:stsb-en-*)
STSB=${STSB:-$(dirname "$0")/../src/main/resources/datasets/stsbenchmark}
DATA=./data/experiment
mkdir -p "$DATA/beir/qrels"

python3 - "$STSB" "$DATA" <<'PY'
import json, sys, os
stsb, out = sys.argv[1], sys.argv[2]
def rows(name):
    for line in open(os.path.join(stsb, name), encoding="utf-8"):
        f = line.rstrip("\n").split("\t")
        if len(f) >= 7:
            yield f
test = list(rows("sts-test.csv"))
with open(f"{out}/beir/corpus.jsonl", "w") as c, open(f"{out}/beir/queries.jsonl", "w") as q, \
        open(f"{out}/beir/qrels/test.tsv", "w") as r:
    r.write("query-id\tcorpus-id\tscore\n")
    for i, f in enumerate(test):
        c.write(json.dumps({"_id": f"d{i}", "title": "", "text": f[6]}) + "\n")
        if float(f[4]) >= 4.0:
            q.write(json.dumps({"_id": f"q{i}", "text": f[5]}) + "\n")
            r.write(f"q{i}\td{i}\t1\n")
PY

submit() { curl -sf -X POST "$API/v1/jobs" -H 'Content-Type: application/json' -d "$1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])'; }
wait_for() {
  while true; do
    body=$(curl -sf "$API/v1/jobs/$1")
    status=$(echo "$body" | python3 -c 'import json,sys; print(json.load(sys.stdin)["status"])')
    case "$status" in
      SUCCEEDED) echo "$body"; return 0 ;;
      FAILED|CANCELLED) echo "job $1 $status: $body" >&2; return 1 ;;
    esac
    sleep 2
  done
}
field() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }
ROOT="file:$(cd ./data && pwd)"

# BASE, A and B may be given to reuse an earlier run's checkpoints
BASE=${BASE:-$(wait_for "$(submit '{"kind": "import", "source": "builtin:all-minilm-l6-v2"}')" | field 'd["result"]["output"]["uri"]')}
echo "base: $BASE"
train() {
  wait_for "$(submit "{\"kind\": \"train\", \"base\": \"$BASE\", \"seed\": 1,
    \"data\": [{\"uri\": \"builtin:stsb-en-train\"}],
    \"params\": {\"steps\": $STEPS, \"batchSize\": 32, \"learningRate\": 2e-5, \"scoreThreshold\": 4, \"objective\": \"$1\"}}")" \
    | field 'd["result"]["output"]["uri"]'
}
A=${A:-$(train infonce)}; B=${B:-$(train cosent)}
echo "task models: $A $B"

EVAL="[{\"name\": \"stsb-test\", \"task\": \"sts\", \"data\": \"builtin:stsb-en-test\"},
       {\"name\": \"stsb-test-retrieval\", \"task\": \"retrieval\", \"data\": \"$ROOT/experiment/beir\"}]"
MODELS="[{\"uri\": \"$A\", \"label\": \"retrieval (InfoNCE)\", \"probe\": \"builtin:stsb-en-train\"},
         {\"uri\": \"$B\", \"label\": \"similarity (CoSENT)\", \"probe\": \"builtin:stsb-en-train\"}]"
for method in ${METHODS:-linear slerp ties fisher regmean self_positioning}; do
  params='{}'
  case $method in
    fisher) params='{"scoreThreshold": 4}' ;;
    regmean) params='{"scoreThreshold": 4}' ;;
    self_positioning) params=${SP_PARAMS:-'{"steps": 100, "batchSize": 64, "mu": 0}'} ;;
  esac
  probe='"builtin:stsb-en-dev"'
  [ "$method" = self_positioning ] && probe=${SP_PROBE:-$probe}
  inputs=false; [ "$method" = linear ] && inputs=true
  job=$(wait_for "$(submit "{\"kind\": \"merge\", \"base\": \"$BASE\", \"models\": $MODELS,
    \"method\": {\"name\": \"$method\", \"params\": $params}, \"probe\": $probe,
    \"evaluation\": $EVAL, \"evaluateInputs\": $inputs, \"seed\": 1}")")
  echo "$job" | python3 -c "
import json,sys
d=json.load(sys.stdin)['result']
rows=d.get('comparison') or [{'checkpoint':'$method','scores':d['scores'],'averageScore':d['averageScore']}]
for r in rows:
    name = '$method' if r['checkpoint']=='merged' else r['checkpoint']
    s=r['scores']
    print(f\"| {name} | {s['stsb-test']['main']:.2f} | {s['stsb-test-retrieval']['main']:.2f} | {r['averageScore']:.2f} |\")
if d.get('coefficients'):
    c=d['coefficients']
    for g in c.get('layers') or [dict(c, group='model')]:
        print(f\"self_positioning coefficients ({g['group']}): a={['%.3f'%x for x in g['weights']]} lambda={g['lambda']:.3f} t={['%.3f'%x for x in g['t']]} c={['%.3f'%x for x in g['c']]}\")
    if d.get('validation'):
        v=d['validation']
        print(f\"self_positioning validation: kept step {v['chosenStep']} of {v['lastStep']}, losses {['%.4g'%x for x in v['loss']]} at steps {v['steps']}\")
"
done
