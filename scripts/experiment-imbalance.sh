#!/usr/bin/env bash
# The README's data-imbalance experiment ("Experiments" → Data imbalance), against a running service whose working
# directory is the current one (storage root ./data). Usage (settings: see scripts/experiment-lib.sh):
#   [API=...] [METHODS=...] [MIXED=...] [BASE=uri A=uri B=uri] [INPUTS=0] [SHARE=0.1]
#   [SP_PARAMS=json SP_PROBE=json] scripts/experiment-imbalance.sh [steps-per-task]
#
# The English tasks with the retrieval task's data cut to a share (default a tenth): a seeded sample (seed 1) of
# the STS Benchmark train pairs scoring >= 4, written as ./data/experiment-imbalance/retrieval-pairs.jsonl; the
# similarity task keeps all of STS Benchmark train (its task model is the English experiment's: pass it as B).
# 1. separate training: one task model per task (STEPS steps each, default 100), merged (METHODS, default linear
#    slerp ties fisher regmean)
# 2. mixed training on both datasets (batches from one dataset each) for 2 × STEPS steps: plain (each dataset
#    contributes its size), total_length and max_length (weights 1:1)
# 3. every checkpoint scored as in the English experiment
set -euo pipefail
source "$(dirname "$0")/experiment-lib.sh"
STEPS=${1:-100}
METHODS=${METHODS-linear slerp ties fisher regmean}
MIXED=${MIXED-none total_length max_length}
SHARE=${SHARE:-0.1}
SP_PROBE=${SP_PROBE:-'"builtin:stsb-en-dev"'}

exp_begin experiment-imbalance "$@"
$TOOLS beir "$DATASETS/stsbenchmark/sts-test.csv" "$EXP/beir"
$TOOLS sample-pairs "$DATASETS/stsbenchmark/sts-train.csv" 4 "$SHARE" 1 "$EXP/retrieval-pairs.jsonl"
EVAL=$(eval_blocks builtin:stsb-en-test "$EXP/beir")
PAIRS="$EXP_ROOT/experiment-imbalance/retrieval-pairs.jsonl"
BASE_NAME=all-MiniLM-L6-v2
BASE=${BASE:-$(import_model base builtin:all-minilm-l6-v2)}
PARAMS="{\"steps\": $STEPS, \"batchSize\": 32, \"learningRate\": 2e-5}"
RETRIEVAL="{\"uri\": \"$PAIRS\", \"objective\": \"infonce\"}"
SIMILARITY='{"uri": "builtin:stsb-en-train", "objective": "cosent"}'
[ -n "${A:-}" ] || { A=$(train_model retrieval "[$RETRIEVAL]" "$PARAMS"); A_JOB=retrieval; }
[ -n "${B:-}" ] || { B=$(train_model similarity "[$SIMILARITY]" "$PARAMS"); B_JOB=similarity; }
log "base $BASE; task models $A $B"
A_ROW="retrieval task model (InfoNCE, a tenth of the pairs)" input_rows
mixed_rows "[$RETRIEVAL, $SIMILARITY]" "{\"steps\": $((2 * STEPS)), \"batchSize\": 32, \"learningRate\": 2e-5}"
merge_rows "separate + " "[{\"uri\": \"$A\", \"label\": \"retrieval (InfoNCE, a tenth)\", \"probe\": \"$PAIRS\"},
  {\"uri\": \"$B\", \"label\": \"similarity (CoSENT)\", \"probe\": \"builtin:stsb-en-train\"}]"
exp_end
