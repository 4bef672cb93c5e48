package io.embedmerge.job;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import io.swagger.v3.oas.annotations.media.DiscriminatorMapping;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.Map;

/** What a job should do; {@code kind} selects the variant. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "kind")
@JsonSubTypes({
    @JsonSubTypes.Type(value = MergeJobRequest.class, name = "merge"),
    @JsonSubTypes.Type(value = AnalyzeJobRequest.class, name = "analyze"),
    @JsonSubTypes.Type(value = ImportJobRequest.class, name = "import"),
    @JsonSubTypes.Type(value = EvaluateJobRequest.class, name = "evaluate"),
    @JsonSubTypes.Type(value = TrainJobRequest.class, name = "train")
})
@Schema(
        description = "A job request; `kind` selects the variant.",
        discriminatorProperty = "kind",
        discriminatorMapping = {
            @DiscriminatorMapping(value = "merge", schema = MergeJobRequest.class),
            @DiscriminatorMapping(value = "analyze", schema = AnalyzeJobRequest.class),
            @DiscriminatorMapping(value = "import", schema = ImportJobRequest.class),
            @DiscriminatorMapping(value = "evaluate", schema = EvaluateJobRequest.class),
            @DiscriminatorMapping(value = "train", schema = TrainJobRequest.class)
        },
        oneOf = {
            MergeJobRequest.class,
            AnalyzeJobRequest.class,
            ImportJobRequest.class,
            EvaluateJobRequest.class,
            TrainJobRequest.class
        })
public sealed interface JobRequest
        permits MergeJobRequest, AnalyzeJobRequest, ImportJobRequest, EvaluateJobRequest, TrainJobRequest {

    /** The value of the {@code kind} field. */
    String kind();

    /** The worker pool the request names, or null for the default of its kind. */
    String pool();

    /** Labels of the caller (at most 16), returned with the job and usable as list filters; may be null. */
    Map<String, String> metadata();

    /** The per-job webhook, or null. Not {@code notify()}: that name is Object's. */
    JobNotify notification();

    String METADATA_DESCRIPTION = "Up to 16 labels (keys of 1 to 63 characters a-z A-Z 0-9 . _ -, values of at most "
            + "256 characters), returned in every view and webhook and filterable in the list: "
            + "`GET /v1/jobs?metadata.argo-workflow=nightly-merge-7f2c`.";
    String NOTIFY_DESCRIPTION = "Posts the job's events to this URL as Standard Webhooks; the submit response "
            + "returns the signing secret once (`notifySecret`).";
}
