#!/usr/bin/env bash
# The README's Chinese experiment ("Experiments" → Chinese), against a running service whose working directory is
# the current one (storage root ./data). Usage (settings: see scripts/experiment-lib.sh):
#   [API=...] [METHODS=...] [MIXED=...] [BASE=uri A=uri B=uri] [INPUTS=0] [NEGATIVES=3]
#   [SP_PARAMS=json SP_PROBE=json] scripts/experiment-zh.sh [steps-per-task]
#
# 1. import bge-small-zh-v1.5 (no download)
# 2. training data without any sentence of the STS-B (zh) test split: builtin:zh-retrieval-pairs is built from
#    STS-B (zh) train, which shares sentences with test (the same sentence recurs across STS-B's splits), so
#    queries whose query or positive is a test sentence are dropped, test sentences are dropped from the hard
#    negatives, and at most NEGATIVES (default 3) hard negatives are kept per query (FlagEmbedding's
#    train_group_size 4); builtin:stsb-zh-train loses its pairs that hold a test sentence. Both files are written
#    under ./data/experiment-zh/ and the overlap counts to overlap.txt.
# 3. two task models, STEPS (default 100) steps of 32, lr 2e-5, seed 1: "retrieval" (InfoNCE with in-batch and
#    hard negatives on the filtered pairs) and "similarity" (CoSENT on the filtered STS-B train scores)
# 4. mixed-training baselines (both datasets, batches from one dataset each, 2 × STEPS steps; total_length and
#    max_length), merges (linear slerp ties fisher regmean), every checkpoint scored on builtin:stsb-zh-test and a
#    retrieval set built from its pairs as in English
set -euo pipefail
source "$(dirname "$0")/experiment-lib.sh"
STEPS=${1:-100}
METHODS=${METHODS-linear slerp ties fisher regmean}
MIXED=${MIXED-total_length max_length}
NEGATIVES=${NEGATIVES:-3}
SP_PROBE=${SP_PROBE:-'"builtin:stsb-zh-dev"'}

exp_begin experiment-zh "$@"
TEST=$DATASETS/stsb-zh/STS-B.test.data
$TOOLS beir "$TEST" "$EXP/beir"
$TOOLS overlap "$TEST" "$DATASETS/zh-retrieval-pairs/pairs.jsonl" "$DATASETS/stsb-zh/STS-B.train.data" \
  "$DATASETS/stsb-zh/STS-B.valid.data" | tee "$EXP/overlap.txt" >&2
$TOOLS filter-pairs "$DATASETS/zh-retrieval-pairs/pairs.jsonl" "$TEST" "$NEGATIVES" "$EXP/retrieval-pairs.jsonl" \
  2>> "$EXP/overlap.txt"
$TOOLS filter-sts "$DATASETS/stsb-zh/STS-B.train.data" "$TEST" "$EXP/stsb-zh-train.tsv" 2>> "$EXP/overlap.txt"
$TOOLS overlap "$TEST" "$EXP/retrieval-pairs.jsonl" "$EXP/stsb-zh-train.tsv" | tee -a "$EXP/overlap.txt" >&2
EVAL=$(eval_blocks builtin:stsb-zh-test "$EXP/beir")
PAIRS="$EXP_ROOT/experiment-zh/retrieval-pairs.jsonl"
STS_TRAIN="$EXP_ROOT/experiment-zh/stsb-zh-train.tsv"
BASE_NAME=bge-small-zh-v1.5
BASE=${BASE:-$(import_model base builtin:bge-small-zh-v1.5)}
PARAMS="{\"steps\": $STEPS, \"batchSize\": 32, \"learningRate\": 2e-5}"
RETRIEVAL="{\"uri\": \"$PAIRS\", \"objective\": \"infonce\"}"
SIMILARITY="{\"uri\": \"$STS_TRAIN\", \"objective\": \"cosent\"}"
[ -n "${A:-}" ] || { A=$(train_model retrieval "[$RETRIEVAL]" "$PARAMS"); A_JOB=retrieval; }
[ -n "${B:-}" ] || { B=$(train_model similarity "[$SIMILARITY]" "$PARAMS"); B_JOB=similarity; }
log "base $BASE; task models $A $B"
input_rows
mixed_rows "[$RETRIEVAL, $SIMILARITY]" "{\"steps\": $((2 * STEPS)), \"batchSize\": 32, \"learningRate\": 2e-5}"
merge_rows "" "[{\"uri\": \"$A\", \"label\": \"retrieval (InfoNCE)\", \"probe\": \"$PAIRS\"},
  {\"uri\": \"$B\", \"label\": \"similarity (CoSENT)\", \"probe\": \"$STS_TRAIN\"}]"
exp_end
