#!/usr/bin/env python3
"""Data preparation and table rows for the experiment scripts (scripts/experiment-lib.sh calls it).

  beir STS_FILE OUT_DIR                        retrieval set from STS test pairs (see build_beir)
  sample-pairs STS_FILE THRESHOLD FRACTION SEED OUT.jsonl
                                               a seeded share of the pairs scoring >= THRESHOLD, as query/positive
  overlap STS_TEST FILE...                     how many texts of each FILE (STS TSV or pair JSONL) are test sentences
  filter-pairs PAIRS.jsonl STS_TEST MAX_NEG OUT.jsonl
                                               drop pairs whose query or positive is a test sentence, drop test
                                               sentences from the negatives, keep at most MAX_NEG negatives
  filter-sts STS_FILE STS_TEST OUT.tsv         drop pairs holding a test sentence (three-column TSV out)
  record NAME JOB.json                         one line of runs.tsv
  row LABEL EVAL_JOB.json [SOURCE_JOB.json]    one markdown table row: scores, average, timing of the source job
  coefficients LABEL JOB.json                  Self-Positioning's learned coefficients, one line
"""
import json
import random
import sys
from datetime import datetime


def sts_rows(path):
    """(sentence1, sentence2, score) of STS Benchmark TSV (7+ columns) or its translations' three-column TSV."""
    with open(path, encoding="utf-8") as f:
        for line in f:
            cols = line.rstrip("\n").split("\t")
            if len(cols) >= 7:
                yield cols[5], cols[6], float(cols[4])
            elif len(cols) == 3:
                yield cols[0], cols[1], float(cols[2])


def pair_rows(path):
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                yield json.loads(line)


def texts_of(path):
    if path.endswith(".jsonl"):
        for d in pair_rows(path):
            yield d["query"]
            yield from d.get("pos", [d.get("positive")])
            yield from d.get("neg", d.get("negatives", []))
    else:
        for s1, s2, _ in sts_rows(path):
            yield s1
            yield s2


def test_sentences(path):
    return {s for s1, s2, _ in sts_rows(path) for s in (s1, s2)}


def build_beir(sts_test, out):
    """Queries: sentence1 of every test pair scoring >= 4; corpus: sentence2 of every test pair; relevant: the
    partner (the README's construction)."""
    import os
    os.makedirs(f"{out}/qrels", exist_ok=True)
    with open(f"{out}/corpus.jsonl", "w", encoding="utf-8") as c, \
            open(f"{out}/queries.jsonl", "w", encoding="utf-8") as q, \
            open(f"{out}/qrels/test.tsv", "w", encoding="utf-8") as r:
        r.write("query-id\tcorpus-id\tscore\n")
        queries = 0
        for i, (s1, s2, score) in enumerate(sts_rows(sts_test)):
            c.write(json.dumps({"_id": f"d{i}", "title": "", "text": s2}, ensure_ascii=False) + "\n")
            if score >= 4.0:
                q.write(json.dumps({"_id": f"q{i}", "text": s1}, ensure_ascii=False) + "\n")
                r.write(f"q{i}\td{i}\t1\n")
                queries += 1
    print(f"retrieval set {out}: {i + 1} documents, {queries} queries", file=sys.stderr)


def sample_pairs(sts, threshold, fraction, seed, out):
    pairs = [(s1, s2) for s1, s2, score in sts_rows(sts) if score >= float(threshold)]
    kept = random.Random(int(seed)).sample(pairs, round(len(pairs) * float(fraction)))
    with open(out, "w", encoding="utf-8") as f:
        for s1, s2 in kept:
            f.write(json.dumps({"query": s1, "positive": s2}, ensure_ascii=False) + "\n")
    print(f"{out}: {len(kept)} of {len(pairs)} pairs scoring >= {threshold} (seed {seed})", file=sys.stderr)


def overlap(sts_test, *files):
    test = test_sentences(sts_test)
    for path in files:
        texts = set(texts_of(path))
        print(f"{path}: {len(texts)} distinct texts, {len(texts & test)} of them test sentences")


def filter_pairs(pairs, sts_test, max_negatives, out):
    test = test_sentences(sts_test)
    kept = dropped = negatives_dropped = 0
    with open(out, "w", encoding="utf-8") as f:
        for d in pair_rows(pairs):
            positives = [p for p in d["pos"] if p not in test]
            if d["query"] in test or not positives:
                dropped += 1
                continue
            negatives = [n for n in d.get("neg", []) if n not in test]
            negatives_dropped += len(d.get("neg", [])) - len(negatives)
            f.write(json.dumps({"query": d["query"], "pos": positives, "neg": negatives[:int(max_negatives)]},
                               ensure_ascii=False) + "\n")
            kept += 1
    print(f"{out}: kept {kept} queries, dropped {dropped} whose query or positive is a test sentence, dropped "
          f"{negatives_dropped} test sentences among the negatives, at most {max_negatives} negatives each",
          file=sys.stderr)


def filter_sts(sts, sts_test, out):
    test = test_sentences(sts_test)
    kept = dropped = 0
    with open(out, "w", encoding="utf-8") as f:
        for s1, s2, score in sts_rows(sts):
            if s1 in test or s2 in test:
                dropped += 1
                continue
            f.write(f"{s1}\t{s2}\t{score:g}\n")
            kept += 1
    print(f"{out}: kept {kept} pairs, dropped {dropped} holding a test sentence", file=sys.stderr)


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def instant(text):
    return datetime.fromisoformat(text.replace("Z", "+00:00")) if text else None


def timing(job):
    """(seconds from start to finish, optimizer steps) of a train or merge job."""
    started, finished = instant(job.get("startedAt")), instant(job.get("finishedAt"))
    seconds = (finished - started).total_seconds() if started and finished else None
    result = job.get("result") or {}
    steps = sum(len(run.get("lossCurve") or []) for run in result.get("runs") or [])
    steps = steps or len(result.get("lossCurve") or [])
    return seconds, steps or None


def record(name, path):
    job = load(path)
    result = job.get("result") or {}
    output = (result.get("output") or {}).get("uri", "")
    outputs = " ".join(f"{k}={v}" for k, v in (result.get("outputs") or {}).items())
    seconds, steps = timing(job)
    created, finished = instant(job.get("createdAt")), instant(job.get("finishedAt"))
    waited = (finished - created).total_seconds() if created and finished else None
    print("\t".join([name, job["id"], job["kind"], job["status"], output, outputs, job.get("createdAt") or "",
                     job.get("startedAt") or "", job.get("finishedAt") or "", f"{waited:.1f}" if waited else "",
                     f"{seconds:.1f}" if seconds else "", str(steps or "")]))


def row(label, eval_path, source_path=None):
    scores = load(eval_path)["result"]
    sts, retrieval = scores["scores"]["sts"]["main"], scores["scores"]["retrieval"]["main"]
    seconds = steps = None
    if source_path:
        seconds, steps = timing(load(source_path))
    per_step = f"{seconds / steps:.2f}" if seconds and steps else ""
    shown = f"{seconds:.0f}" if seconds else ""
    if source_path and load(source_path).get("attempt", 1) > 1:
        # a revived job keeps its first startedAt: the seconds span every attempt
        shown += f" ({load(source_path)['attempt']} attempts)"
    print(f"| {label} | {sts:.2f} | {retrieval:.2f} | {scores['averageScore']:.2f} | {shown} | {steps or ''} | "
          f"{per_step} |")


def rounded(value):
    if isinstance(value, float):
        # three decimals, or three significant digits below 0.01 (an InfoNCE part's L_k⁰ is ~1e-4)
        return float(f"{value:.3g}") if value != 0 and abs(value) < 0.01 else round(value, 3)
    if isinstance(value, list):
        return [rounded(v) for v in value]
    if isinstance(value, dict):
        return {k: rounded(v) for k, v in value.items()}
    return value


def coefficients(label, path):
    result = load(path).get("result") or {}
    if result.get("coefficients"):
        print(f"- {label}: `{json.dumps(rounded(result['coefficients']), ensure_ascii=False)}`")
    if result.get("validation"):
        checks = result["validation"]
        print(f"  validation: `{json.dumps({'steps': checks['steps'], 'loss': [float(f'{x:.4g}') for x in checks['loss']], 'chosenStep': checks['chosenStep'], 'lastStep': checks['lastStep']})}`")


COMMANDS = {"beir": build_beir, "sample-pairs": sample_pairs, "overlap": overlap, "filter-pairs": filter_pairs,
            "filter-sts": filter_sts, "record": record, "row": row, "coefficients": coefficients}

if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
        sys.exit(__doc__)
    COMMANDS[sys.argv[1]](*sys.argv[2:])
