package io.embedmerge.job;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.embedmerge.model.Pooling;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.Map;

/** Imports an ONNX export of a BERT encoder as a Hugging Face checkpoint folder. */
@Schema(
        name = "ImportJobRequest",
        description = "Converts a BERT-family ONNX export into a Hugging Face checkpoint "
                + "folder (safetensors with Hugging Face names, config.json inferred from the graph, tokenizer.json, "
                + "sentence-transformers files). Built-in sources need no download: builtin:all-minilm-l6-v2 (mean pooling) "
                + "and builtin:bge-small-zh-v1.5 (CLS pooling).")
public record ImportJobRequest(
        @Schema(
                description = "builtin:all-minilm-l6-v2, builtin:bge-small-zh-v1.5, or the URI of an .onnx file",
                example = "builtin:all-minilm-l6-v2",
                requiredMode = Schema.RequiredMode.REQUIRED)
        String source,

        @Schema(
                description =
                        "URI of tokenizer.json (default: tokenizer.json next to the .onnx file; built-ins bring theirs)")
        String tokenizer,

        @Schema(description = "Pooling of the sentence embedding (default: the built-in's, else mean)")
        Pooling pooling,

        @Schema(description = "max_seq_length (default: the built-in's, else 512)", example = "256")
        Integer maxSeqLength,

        @Schema(
                description = "Output folder URI; default `<merge.storage.default-output>/<job id>/`. Must not exist.",
                example = "file:./data/models/all-minilm-l6-v2")
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
        return "import";
    }
}
