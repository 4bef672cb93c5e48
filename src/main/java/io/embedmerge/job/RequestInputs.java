package io.embedmerge.job;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** Every URI a job reads (checkpoints, probes, datasets, tokenizer), so that its output can be kept apart from them. */
final class RequestInputs {

    private RequestInputs() {}

    static List<String> of(JobRequest request) {
        List<String> uris = new ArrayList<>();
        switch (request) {
            case MergeJobRequest merge -> {
                uris.add(merge.base());
                if (merge.models() != null) {
                    merge.models().stream().filter(Objects::nonNull).forEach(m -> {
                        uris.add(m.uri());
                        probeUris(m.probe(), uris);
                    });
                }
                probeUris(merge.probe(), uris);
                evaluations(merge.evaluation(), uris);
            }
            case ImportJobRequest imported -> {
                uris.add(imported.source());
                uris.add(imported.tokenizer());
            }
            case TrainJobRequest train -> {
                uris.add(train.base());
                if (train.data() != null) {
                    train.data().stream().filter(Objects::nonNull).forEach(d -> uris.add(d.uri()));
                }
            }
            case EvaluateJobRequest evaluate -> {
                uris.add(evaluate.checkpoint());
                evaluations(evaluate.evaluation(), uris);
            }
            case AnalyzeJobRequest analyze -> {
                uris.add(analyze.base());
                if (analyze.models() != null) {
                    analyze.models().stream().filter(Objects::nonNull).forEach(m -> uris.add(m.uri()));
                }
            }
        }
        return uris.stream()
                .filter(u -> u != null && (u.startsWith("file:") || u.startsWith("s3://")))
                .toList();
    }

    private static void probeUris(ProbeSpec probe, List<String> uris) {
        if (probe != null) {
            uris.addAll(probe.uris());
        }
    }

    private static void evaluations(List<EvaluationSpec> evaluations, List<String> uris) {
        if (evaluations != null) {
            evaluations.stream().filter(Objects::nonNull).forEach(e -> uris.add(e.data()));
        }
    }
}
