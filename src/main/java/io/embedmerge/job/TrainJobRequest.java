package io.embedmerge.job;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;
import java.util.Map;

/** Contrastive fine-tuning of a base checkpoint, to make the task models that merges combine. */
@Schema(
        name = "TrainJobRequest",
        description = "Fine-tunes `base` with AdamW on InfoNCE (in-batch negatives plus the "
                + "data's given negatives) or CoSENT, set per dataset; a mixture of objectives trains in batches that each "
                + "come from one dataset. "
                + "Without `pipeline` the datasets are mixed by weight into one run (output folder = the model); "
                + "`resample` sets how the mixture is drawn. `separate` trains one model per dataset from the base (`dataset-1/`, `dataset-2/`, …); `sequential` trains "
                + "through the datasets in order and keeps every stage (`stage-1/` = M1, `stage-2/` = M1+2, …).")
public record TrainJobRequest(
        @Schema(example = "file:./data/models/minilm", requiredMode = Schema.RequiredMode.REQUIRED)
        String base,

        @Schema(requiredMode = Schema.RequiredMode.REQUIRED) List<TrainingData> data,
        TrainParams params,

        @Schema(allowableValues = {"separate", "sequential"})
        String pipeline,

        @Schema(
                allowableValues = {"total_length", "max_length"},
                description = "Resampling of the mixture (no "
                        + "`pipeline`) by the datasets' weights as ratios: `total_length` keeps the total size and shares it "
                        + "by the ratios; `max_length` resizes every dataset to the largest one's size times its ratio. "
                        + "Without it each dataset contributes weight × its size.")
        String resample,

        @Schema(description = "Seed of the shuffles (default 0)")
        Long seed,

        @Schema(description = "Output folder URI; default `<merge.storage.default-output>/<job id>/`. Must not exist.")
        String output,

        @Schema(
                description = "Worker pool to run on (cpu or gpu); default: the pool its kind is routed to "
                        + "(merge.jobs.routing)",
                example = "gpu")
        String pool,

        @Schema(description = JobRequest.METADATA_DESCRIPTION, example = "{\"argo-workflow\": \"nightly-merge-7f2c\"}")
        Map<String, String> metadata,

        @Schema(description = JobRequest.NOTIFY_DESCRIPTION) @JsonProperty("notify")
        JobNotify notification)
        implements JobRequest {

    @Override
    public String kind() {
        return "train";
    }
}
