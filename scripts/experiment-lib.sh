# Shared by scripts/experiment.sh, experiment-zh.sh and experiment-imbalance.sh (source it; needs curl and python3).
# Talks to a running service (API, default http://localhost:8080) whose storage root is ./data (run from the
# service's working directory). Every job is kept as ./data/<experiment>/jobs/<name>.json and listed in
# ./data/<experiment>/runs.tsv (name, job id, kind, status, output URI, named outputs, createdAt, startedAt,
# finishedAt, seconds created→finished, seconds started→finished, optimizer steps); the table goes to stdout and
# to ./data/<experiment>/table.md.
#
# Common settings (environment):
#   METHODS   merge methods to run on the two task models (default: linear slerp ties fisher regmean;
#             self_positioning takes SP_PARAMS and SP_PROBE)
#   MIXED     mixed-training baselines to run: none (no resample), total_length, max_length
#   INPUTS    1 (default): also score the base and the task models; 0: only the rows asked for
#   BASE, A, B  URIs of existing checkpoints (base, retrieval task model, similarity task model) to reuse
#   SP_PARAMS the self_positioning method parameters (JSON object)
#   SP_PROBE  the merge request's "probe" (a JSON value), for self_positioning
#   LABEL     suffix for the rows' labels and job names (to tell reruns apart)
#   RESUME    1: reuse the jobs already recorded under the same names (after an interruption)
#   POOL      worker pool for every job (default: the service's routing)
API=${API:-http://localhost:8080}
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DATASETS=$REPO/src/main/resources/datasets
TOOLS="python3 $REPO/scripts/experiment_tools.py"
INPUTS=${INPUTS:-1}
shopt -s inherit_errexit
LABEL=${LABEL:-}

log() { echo "[$(date -u +%H:%M:%S)] $*" >&2; }
json() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }

# exp_begin NAME: ./data/NAME holds the experiment's files; EXP_ROOT is the storage root as a file URI
exp_begin() {
  EXP=./data/$1
  mkdir -p "$EXP/jobs"
  EXP_ROOT="file:$(cd ./data && pwd)"
  EXP_T0=$(date +%s)
  [ -f "$EXP/runs.tsv" ] || printf 'name\tjob\tkind\tstatus\toutput\toutputs\tcreatedAt\tstartedAt\tfinishedAt\tseconds_created_finished\tseconds_started_finished\tsteps\n' > "$EXP/runs.tsv"
  {
    echo
    echo "<!-- $(date -u +%FT%TZ) $0 $* METHODS='${METHODS:-}' MIXED='${MIXED:-}' SP_PARAMS='${SP_PARAMS:-}' -->"
    echo "load at start: $(uptime)"
    echo
    echo "| checkpoint | STS (Spearman × 100) | retrieval (nDCG@10 × 100) | average | job seconds | steps | s/step |"
    echo "|---|---|---|---|---|---|---|"
  } | tee -a "$EXP/table.md"
}

exp_end() {
  {
    echo
    echo "wall time: $(( $(date +%s) - EXP_T0 )) s; load at end: $(uptime)"
  } | tee -a "$EXP/table.md"
}

# table lines (rows, coefficients) go to stdout and table.md
emit() { tee -a "$EXP/table.md"; }

submit() {
  local response code
  response=$(curl -s -w '\n%{http_code}' -X POST "$API/v1/jobs" -H 'Content-Type: application/json' -d "$1" || true)
  code=${response##*$'\n'}
  response=${response%$'\n'*}
  case $code in
    2??) echo "$response" | json 'd["id"]' ;;
    *) echo "submit failed ($code): $response" >&2; return 1 ;;
  esac
}

# run_job NAME REQUEST: submits, waits, keeps the job in $EXP/jobs/NAME.json and a line in runs.tsv. With
# RESUME=1 a job already recorded under NAME is reused (succeeded) or waited for (submitted), so an interrupted
# run picks up where it stopped.
run_job() {
  local name=$1$LABEL id body status request=$2
  [ -z "${POOL:-}" ] || request="${request%\}}, \"pool\": \"$POOL\"}"
  if [ "${RESUME:-0}" = 1 ] && [ -f "$EXP/jobs/$name.json" ] \
      && [ "$(json 'd["status"]' < "$EXP/jobs/$name.json")" = SUCCEEDED ]; then
    log "$name: reusing job $(json 'd["id"]' < "$EXP/jobs/$name.json")"
    return 0
  fi
  if [ "${RESUME:-0}" = 1 ] && [ -f "$EXP/jobs/$name.id" ]; then
    id=$(cat "$EXP/jobs/$name.id")
  else
    id=$(submit "$request")
    echo "$id" > "$EXP/jobs/$name.id"
  fi
  log "$name: job $id"
  while true; do
    if body=$(curl -sf "$API/v1/jobs/$id"); then
      status=$(echo "$body" | json 'd["status"]')
      case $status in SUCCEEDED|FAILED|CANCELLED) break ;; esac
    fi
    sleep 3
  done
  echo "$body" > "$EXP/jobs/$name.json"
  $TOOLS record "$name" "$EXP/jobs/$name.json" >> "$EXP/runs.tsv"
  log "$name: $status"
  if [ "$status" != SUCCEEDED ]; then
    echo "job $name ($id) $status: $body" >&2
    return 1
  fi
}

job_field() { json "$2" < "$EXP/jobs/$1$LABEL.json"; }

# import_model NAME SOURCE → the imported checkpoint's URI
import_model() {
  run_job "$1" "{\"kind\": \"import\", \"source\": \"$2\"}"
  job_field "$1" 'd["result"]["output"]["uri"]'
}

# train_job NAME DATA PARAMS [EXTRA]: a train job from $BASE (DATA: the data array; EXTRA: more request fields)
train_job() {
  run_job "$1" "{\"kind\": \"train\", \"base\": \"$BASE\", \"seed\": 1, \"data\": $2, \"params\": $3${4:+, $4}}"
}

# train_model NAME DATA PARAMS [EXTRA] → the trained checkpoint's URI
train_model() {
  train_job "$@"
  job_field "$1" 'd["result"]["output"]["uri"]'
}

# eval_blocks STS_DATA BEIR_DIR: the two evaluations every row is scored on
eval_blocks() {
  echo "[{\"name\": \"sts\", \"task\": \"sts\", \"data\": \"$1\"},
        {\"name\": \"retrieval\", \"task\": \"retrieval\", \"data\": \"$EXP_ROOT/${2#./data/}\"}]"
}

# score_row ROW_LABEL CHECKPOINT [SOURCE_JOB]: evaluates CHECKPOINT on $EVAL and prints its row
score_row() {
  local name="eval-$(echo "$1" | tr -c 'A-Za-z0-9_.\n-' '-')"
  run_job "$name" "{\"kind\": \"evaluate\", \"checkpoint\": \"$2\", \"evaluation\": $EVAL}"
  $TOOLS row "$1$LABEL" "$EXP/jobs/$name$LABEL.json" ${3:+"$EXP/jobs/$3$LABEL.json"} | emit
}

# input_rows: the base and the two task models (unless INPUTS=0)
input_rows() {
  [ "$INPUTS" = 1 ] || return 0
  score_row "base ($BASE_NAME)" "$BASE"
  score_row "${A_ROW:-retrieval task model (InfoNCE)}" "$A" ${A_JOB:-}
  score_row "similarity task model (CoSENT)" "$B" ${B_JOB:-}
}

# mixed_rows DATA PARAMS: one mixed model per entry of $MIXED (none, total_length, max_length), scored
mixed_rows() {
  local resample extra
  for resample in $MIXED; do
    extra=""
    [ "$resample" = none ] || extra="\"resample\": \"$resample\""
    train_job "mixed-$resample" "$1" "$2" "$extra"
    score_row "mixed training, $resample" "$(job_field "mixed-$resample" 'd["result"]["output"]["uri"]')" "mixed-$resample"
  done
}

# merge_rows ROW_PREFIX MODELS: merges $A and $B (MODELS: the models array) with each of $METHODS, scored
merge_rows() {
  local method params probe name
  for method in $METHODS; do
    params='{}'
    probe=''
    case $method in
      fisher|regmean) params='{"scoreThreshold": 4}' ;;
      self_positioning) params=${SP_PARAMS:-'{"steps": 100, "batchSize": 64, "mu": 0}'}; probe=${SP_PROBE:-} ;;
    esac
    name="merge-$method"
    run_job "$name" "{\"kind\": \"merge\", \"base\": \"$BASE\", \"models\": $2,
      \"method\": {\"name\": \"$method\", \"params\": $params}${probe:+, \"probe\": $probe}, \"seed\": 1}"
    score_row "$1$method" "$(job_field "$name" 'd["result"]["output"]["uri"]')" "$name"
    $TOOLS coefficients "$1$method$LABEL" "$EXP/jobs/$name$LABEL.json" >> "$EXP/coefficients.md"
  done
  [ ! -s "$EXP/coefficients.md" ] || { echo; echo "learned coefficients:"; cat "$EXP/coefficients.md"; } | emit
  rm -f "$EXP/coefficients.md"
}
