package io.embedmerge.job;

import io.embedmerge.eval.EvaluationTask;
import io.swagger.v3.oas.annotations.media.Schema;

/** One evaluation to run on a checkpoint. */
public record EvaluationSpec(
        @Schema(
                description = "Name of the score in result.scores",
                example = "stsb-test",
                requiredMode = Schema.RequiredMode.REQUIRED)
        String name,

        @Schema(requiredMode = Schema.RequiredMode.REQUIRED) EvaluationTask task,

        @Schema(
                description = "sts: a .tsv in the STS Benchmark layout or a .jsonl of {sentence1, sentence2, score}; "
                        + "retrieval: a folder with corpus.jsonl, queries.jsonl and qrels/test.tsv",
                example = "file:./data/eval/sts-test.csv",
                requiredMode = Schema.RequiredMode.REQUIRED)
        String data) {}
