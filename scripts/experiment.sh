#!/usr/bin/env bash
# The README's English experiment ("Experiments" → English), against a running service whose working directory is
# the current one (storage root ./data). Usage (settings: see scripts/experiment-lib.sh):
#   [API=http://localhost:8091] [METHODS=...] [MIXED=...] [BASE=uri A=uri B=uri] [INPUTS=0]
#   [SP_PARAMS=json SP_PROBE=json] scripts/experiment.sh [steps-per-task]
#
# 1. import all-MiniLM-L6-v2 (no download)
# 2. two task models from STS Benchmark train, STEPS (default 100) steps of 32 pairs, lr 2e-5, seed 1:
#    "retrieval" (InfoNCE with in-batch negatives on the pairs scoring >= 4) and "similarity" (CoSENT on every
#    pair's score)
# 3. the mixed-training baselines: one model on both datasets with both objectives (batches from one dataset
#    each) for 2 × STEPS steps, resampled total_length and max_length
# 4. merges of the two task models (linear slerp ties fisher regmean; fisher/regmean probes: the train pairs >= 4)
# 5. every checkpoint scored on STS Benchmark test (cosine Spearman) and on a retrieval set built from the test
#    pairs (queries: sentence1 of pairs scoring >= 4; corpus: every sentence2; relevant: the partner)
# Self-Positioning on existing checkpoints, e.g.:
#   METHODS=self_positioning MIXED= INPUTS=0 BASE=... A=... B=... SP_PARAMS='{...}' SP_PROBE='...' scripts/experiment.sh
set -euo pipefail
source "$(dirname "$0")/experiment-lib.sh"
STEPS=${1:-100}
METHODS=${METHODS-linear slerp ties fisher regmean}
MIXED=${MIXED-total_length max_length}
SP_PROBE=${SP_PROBE:-'"builtin:stsb-en-dev"'}

exp_begin experiment-en "$@"
$TOOLS beir "$DATASETS/stsbenchmark/sts-test.csv" "$EXP/beir"
EVAL=$(eval_blocks builtin:stsb-en-test "$EXP/beir")
BASE_NAME=all-MiniLM-L6-v2
BASE=${BASE:-$(import_model base builtin:all-minilm-l6-v2)}
PARAMS="{\"steps\": $STEPS, \"batchSize\": 32, \"learningRate\": 2e-5}"
RETRIEVAL='{"uri": "builtin:stsb-en-train", "objective": "infonce", "scoreThreshold": 4}'
SIMILARITY='{"uri": "builtin:stsb-en-train", "objective": "cosent"}'
[ -n "${A:-}" ] || { A=$(train_model retrieval "[$RETRIEVAL]" "$PARAMS"); A_JOB=retrieval; }
[ -n "${B:-}" ] || { B=$(train_model similarity "[$SIMILARITY]" "$PARAMS"); B_JOB=similarity; }
log "base $BASE; task models $A $B"
input_rows
mixed_rows "[$RETRIEVAL, $SIMILARITY]" "{\"steps\": $((2 * STEPS)), \"batchSize\": 32, \"learningRate\": 2e-5}"
merge_rows "" "[{\"uri\": \"$A\", \"label\": \"retrieval (InfoNCE)\", \"probe\": \"builtin:stsb-en-train\"},
  {\"uri\": \"$B\", \"label\": \"similarity (CoSENT)\", \"probe\": \"builtin:stsb-en-train\"}]"
exp_end
