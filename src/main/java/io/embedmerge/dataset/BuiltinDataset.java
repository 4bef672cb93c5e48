package io.embedmerge.dataset;

import com.fasterxml.jackson.annotation.JsonIgnore;
import io.swagger.v3.oas.annotations.media.Schema;

/** A dataset shipped inside the service, usable wherever a data URI is accepted as {@code builtin:<name>}. */
@Schema(description = "A built-in dataset: use it as builtin:<name> wherever a data URI is accepted")
public record BuiltinDataset(
        @Schema(example = "stsb-en-test") String name,
        @Schema(example = "builtin:stsb-en-test") String uri,

        @Schema(
                description = "sts-tsv: STS Benchmark layout (genre, source, year, id, score, sentence1, sentence2) "
                        + "or sentence1, sentence2, score; pairs-jsonl: {query, pos: [...], neg: [...]}",
                example = "sts-tsv")
        String format,

        @Schema(example = "en") String language,

        @Schema(description = "Pairs (STS) or queries (pairs-jsonl)", example = "1379")
        int rows,

        @Schema(description = "Which jobs take it", example = "evaluation (sts), probes, train data")
        String usableFor,

        @Schema(example = "Scores CC BY-SA 4.0; texts under their sources' terms")
        String licence,

        @Schema(example = "SemEval-2017 STS Benchmark, test split")
        String origin,

        @JsonIgnore @Schema(hidden = true) String resource) {

    public static final String SCHEME = "builtin:";
}
