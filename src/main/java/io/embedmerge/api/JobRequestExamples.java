package io.embedmerge.api;

/**
 * One request example per job kind for POST /v1/jobs. {@code file:./data/...} is inside the default storage root;
 * data sets and the import source are built in, so they exist everywhere. ApiExamplesTest submits each one.
 */
final class JobRequestExamples {

    static final String MERGE = """
            {"kind": "merge",
             "base": "file:./data/models/base",
             "models": [{"uri": "file:./data/models/sts", "weight": 1.0, "label": "sts"},
                        {"uri": "file:./data/models/nli", "weight": 1.0, "label": "nli"}],
             "method": {"name": "ties", "params": {"density": 0.2, "lambda": 1.0}},
             "outputDtype": "f32",
             "seed": 42,
             "evaluation": [{"name": "stsb-test", "task": "sts", "data": "builtin:stsb-en-test"}]}""";

    static final String ANALYZE = """
            {"kind": "analyze",
             "base": "file:./data/models/base",
             "models": [{"uri": "file:./data/models/sts", "label": "sts"},
                        {"uri": "file:./data/models/nli", "label": "nli"}],
             "density": 0.2}""";

    static final String IMPORT = """
            {"kind": "import",
             "source": "builtin:all-minilm-l6-v2",
             "maxSeqLength": 256}""";

    static final String EVALUATE = """
            {"kind": "evaluate",
             "checkpoint": "file:./data/models/sts",
             "evaluation": [{"name": "stsb-test", "task": "sts", "data": "builtin:stsb-en-test"},
                            {"name": "stsb-dev", "task": "sts", "data": "builtin:stsb-en-dev"}]}""";

    static final String TRAIN = """
            {"kind": "train",
             "base": "file:./data/models/base",
             "data": [{"uri": "builtin:stsb-en-train", "weight": 1.0}],
             "params": {"epochs": 1.0, "batchSize": 32, "learningRate": 2e-5, "objective": "cosent"},
             "seed": 42}""";

    private JobRequestExamples() {}
}
