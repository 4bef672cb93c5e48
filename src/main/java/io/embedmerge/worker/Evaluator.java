package io.embedmerge.worker;

import io.embedmerge.dataset.DataFiles;
import io.embedmerge.eval.RetrievalEvaluation;
import io.embedmerge.eval.Score;
import io.embedmerge.eval.StsData;
import io.embedmerge.eval.StsEvaluation;
import io.embedmerge.job.EvaluationSpec;
import io.embedmerge.model.BatchListener;
import io.embedmerge.model.BertEncoder;
import io.embedmerge.storage.ConfinedFolder;
import io.embedmerge.storage.ObjectStorage;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Component;

/** Scores a local checkpoint folder on a job's evaluations with the Java encoder. */
@Component
class Evaluator {

    static final int BATCH_SIZE = 32;

    private final ObjectStorage storage;
    private final DataFiles data;

    Evaluator(ObjectStorage storage, DataFiles data) {
        this.storage = storage;
        this.data = data;
    }

    /** Scores in the reporter's current span, one equal part per evaluation. */
    Map<String, Score> score(
            ConfinedFolder checkpoint, List<EvaluationSpec> evaluations, ProgressReporter progress, String label) {
        ProgressSpan span = progress.span();
        Map<String, Score> scores = new LinkedHashMap<>();
        try (BertEncoder encoder = BertEncoder.load(checkpoint)) {
            for (int i = 0; i < evaluations.size(); i++) {
                EvaluationSpec spec = evaluations.get(i);
                String name = label + ": " + spec.name();
                progress.stage("evaluating", name, span.part(i, evaluations.size()));
                BatchListener batches = progress.batches("evaluating", name);
                Score score = switch (spec.task()) {
                    case STS -> {
                        double main = StsEvaluation.cosineSpearman(
                                StsData.read(data.file(spec.data())),
                                sentences -> encoder.encode(sentences, BATCH_SIZE, batches));
                        yield new Score(main, Map.of("cosine_spearman", main));
                    }
                    case RETRIEVAL ->
                        RetrievalEvaluation.evaluate(
                                storage.localFolder(storage.resolve(spec.data())),
                                texts -> encoder.encode(texts, BATCH_SIZE, batches));
                };
                scores.put(spec.name(), score);
            }
        }
        progress.enter(span);
        return scores;
    }
}
