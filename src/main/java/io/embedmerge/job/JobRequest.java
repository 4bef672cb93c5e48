package io.embedmerge.job;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import io.swagger.v3.oas.annotations.media.DiscriminatorMapping;
import io.swagger.v3.oas.annotations.media.Schema;

/** What a job should do; {@code kind} selects the variant. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "kind")
@JsonSubTypes({@JsonSubTypes.Type(value = MergeJobRequest.class, name = "merge"),
        @JsonSubTypes.Type(value = AnalyzeJobRequest.class, name = "analyze"),
        @JsonSubTypes.Type(value = ImportJobRequest.class, name = "import"),
        @JsonSubTypes.Type(value = EvaluateJobRequest.class, name = "evaluate"),
        @JsonSubTypes.Type(value = TrainJobRequest.class, name = "train")})
@Schema(description = "A job request; `kind` selects the variant.", discriminatorProperty = "kind",
        discriminatorMapping = {@DiscriminatorMapping(value = "merge", schema = MergeJobRequest.class),
                @DiscriminatorMapping(value = "analyze", schema = AnalyzeJobRequest.class),
                @DiscriminatorMapping(value = "import", schema = ImportJobRequest.class),
                @DiscriminatorMapping(value = "evaluate", schema = EvaluateJobRequest.class),
                @DiscriminatorMapping(value = "train", schema = TrainJobRequest.class)},
        oneOf = {MergeJobRequest.class, AnalyzeJobRequest.class, ImportJobRequest.class, EvaluateJobRequest.class,
                TrainJobRequest.class})
public sealed interface JobRequest permits MergeJobRequest, AnalyzeJobRequest, ImportJobRequest, EvaluateJobRequest,
        TrainJobRequest {

    /** The value of the {@code kind} field. */
    String kind();

    /** The worker pool the request names, or null for the default of its kind. */
    String pool();
}
