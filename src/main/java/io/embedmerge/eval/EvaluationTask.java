package io.embedmerge.eval;

import com.fasterxml.jackson.annotation.JsonProperty;

/** What an evaluation measures. */
public enum EvaluationTask {
    /** Cosine Spearman against gold similarity scores (STS Benchmark TSV or JSONL sentence1/sentence2/score). */
    @JsonProperty("sts")
    STS,
    /** nDCG@10, MRR@10 and Recall@100 of exact cosine search (BEIR layout: corpus.jsonl, queries.jsonl, qrels/test.tsv). */
    @JsonProperty("retrieval")
    RETRIEVAL
}
