package io.embedmerge.job;

import io.embedmerge.dataset.DataFiles;
import io.embedmerge.merge.DataNeeds;
import io.embedmerge.merge.InvalidMergeRequestException;
import io.embedmerge.merge.MergeMethod;
import io.embedmerge.merge.MethodParams;
import io.embedmerge.merge.MethodRegistry;
import io.embedmerge.model.BuiltinModel;
import io.embedmerge.storage.ForbiddenPathException;
import io.embedmerge.storage.ObjectStorage;
import io.embedmerge.storage.StorageLocation;
import io.embedmerge.storage.StorageUriException;
import java.util.ArrayList;
import java.util.List;
import org.springframework.stereotype.Component;

/**
 * Submit-time checks of a job request: everything that needs no reading of checkpoint contents (method,
 * parameters, weights, URIs inside the storage roots, inputs present, output absent). Tensor names and shapes are
 * checked by the worker, which fails the job naming the tensor.
 */
@Component
class JobRequestValidator {

    private static final List<String> OBJECTIVES = List.of("infonce", "cosent");

    private final MethodRegistry methods;
    private final ObjectStorage storage;
    private final DataFiles dataFiles;
    private final List<JobRequestCheck> checks;
    private final RequestLimits limits;

    JobRequestValidator(
            MethodRegistry methods,
            ObjectStorage storage,
            DataFiles dataFiles,
            List<JobRequestCheck> checks,
            RequestLimits limits) {
        this.checks = checks;
        this.limits = limits;
        this.methods = methods;
        this.storage = storage;
        this.dataFiles = dataFiles;
    }

    /** Checks every URI against the tenant's storage roots (the shared roots for a tenant with none of its own). */
    void validate(JobRequest request, String tenant) {
        storage.runAsTenant(tenant, () -> validate(request));
    }

    private void validate(JobRequest request) {
        List<FieldProblem> problems = new ArrayList<>();
        switch (request) {
            case MergeJobRequest merge -> validateMerge(merge, problems);
            case ImportJobRequest imported -> validateImport(imported, problems);
            case TrainJobRequest train -> {
                checkInput("base", train.base(), problems);
                if (train.data() == null || train.data().isEmpty()) {
                    problems.add(new FieldProblem("data", "at least one dataset is required"));
                } else {
                    for (int i = 0; i < train.data().size(); i++) {
                        TrainingData d = train.data().get(i);
                        if (d == null || d.uri() == null) {
                            problems.add(new FieldProblem("data[" + i + "].uri", "a data URI is required"));
                        } else {
                            checkExisting("data[" + i + "].uri", d.uri(), problems);
                        }
                        if (d != null && d.weight() != null && !(d.weight() > 0 && Double.isFinite(d.weight()))) {
                            problems.add(new FieldProblem("data[" + i + "].weight", "must be a positive number"));
                        }
                        if (d != null && d.objective() != null && !OBJECTIVES.contains(d.objective())) {
                            problems.add(new FieldProblem("data[" + i + "].objective", "must be infonce or cosent"));
                        }
                        if (d != null && d.scoreThreshold() != null && !Double.isFinite(d.scoreThreshold())) {
                            problems.add(new FieldProblem("data[" + i + "].scoreThreshold", "must be a finite number"));
                        }
                    }
                }
                if (train.params() != null
                        && train.params().maxSeqLength() != null
                        && train.params().maxSeqLength() < 2) {
                    problems.add(new FieldProblem("params.maxSeqLength", "must be at least 2 ([CLS] and [SEP])"));
                }
                if (train.params() != null
                        && train.params().objective() != null
                        && !OBJECTIVES.contains(train.params().objective())) {
                    problems.add(new FieldProblem("params.objective", "must be infonce or cosent"));
                }
                if (train.resample() != null
                        && !List.of("total_length", "max_length").contains(train.resample())) {
                    problems.add(new FieldProblem("resample", "must be total_length or max_length"));
                } else if (train.resample() != null && train.pipeline() != null) {
                    problems.add(new FieldProblem("resample", "applies to a mixed run only, not to a pipeline"));
                }
                if (train.pipeline() != null
                        && !List.of("separate", "sequential").contains(train.pipeline())) {
                    problems.add(new FieldProblem("pipeline", "must be separate or sequential"));
                }
                checkOutput(train.output(), request, problems);
            }
            case EvaluateJobRequest evaluate -> {
                checkInput("checkpoint", evaluate.checkpoint(), problems);
                if (evaluate.evaluation() == null || evaluate.evaluation().isEmpty()) {
                    problems.add(new FieldProblem("evaluation", "at least one evaluation is required"));
                }
                checkEvaluations(evaluate.evaluation(), problems);
            }
            case AnalyzeJobRequest analyze -> {
                checkInputs(analyze.base(), analyze.models(), problems);
                if (!(analyze.effectiveDensity() > 0 && analyze.effectiveDensity() <= 1)) {
                    problems.add(new FieldProblem("density", "must be in (0, 1]"));
                }
            }
        }
        if (request.pool() != null && !PoolRouting.POOLS.contains(request.pool())) {
            problems.add(new FieldProblem(
                    "pool",
                    "must be one of " + PoolRouting.POOLS.stream().sorted().toList()));
        }
        JobMetadata.check(request.metadata(), problems);
        checkNotify(request.notification(), problems);
        checks.forEach(check -> check.check(request, problems));
        if (!problems.isEmpty()) {
            throw new JobValidationException(problems);
        }
    }

    private static void checkNotify(JobNotify notify, List<FieldProblem> problems) {
        if (notify == null) {
            return;
        }
        if (notify.url() == null || notify.url().isBlank()) {
            problems.add(new FieldProblem("notify.url", "a URL is required"));
        }
        if (notify.events() != null) {
            for (int i = 0; i < notify.events().size(); i++) {
                if (!JobNotify.EVENTS.contains(notify.events().get(i))) {
                    problems.add(new FieldProblem("notify.events[" + i + "]", "must be one of " + JobNotify.EVENTS));
                }
            }
        }
    }

    private void validateMerge(MergeJobRequest request, List<FieldProblem> problems) {
        checkInputs(request.base(), request.models(), problems);
        if (request.maxShardBytes() != null && request.maxShardBytes() < 1) {
            problems.add(new FieldProblem("maxShardBytes", "must be a positive number of bytes"));
        }
        checkOutput(request.output(), request, problems);
        checkMethod(request, problems);
        checkEvaluations(request.evaluation(), problems);
        DataNeeds needs = request.method() == null || request.method().name() == null
                ? DataNeeds.NONE
                : methods.find(request.method().name())
                        .map(MergeMethod::dataNeeds)
                        .orElse(DataNeeds.NONE);
        boolean unionOfParts = needs.encoderPass() == DataNeeds.EncoderPass.REGMEAN_WEIGHTS;
        if (request.models() != null) {
            for (int i = 0; i < request.models().size(); i++) {
                ModelInput model = request.models().get(i);
                if (model == null) {
                    continue;
                }
                String field = "models[" + i + "].probe";
                if (needs.probe() == DataNeeds.Probe.PER_MODEL && model.probe() == null) {
                    problems.add(
                            new FieldProblem(field, request.method().name() + " needs probe pairs for every model"));
                } else if (model.probe() != null) {
                    checkProbe(
                            field, model.probe(), needs.probe() == DataNeeds.Probe.PER_MODEL, unionOfParts, problems);
                }
            }
        }
        if (needs.probe() == DataNeeds.Probe.GLOBAL && request.probe() == null) {
            problems.add(new FieldProblem(
                    "probe", request.method().name() + " needs probe pairs (a data URI or a list of parts)"));
        } else if (request.probe() != null) {
            checkProbe("probe", request.probe(), needs.probe() == DataNeeds.Probe.GLOBAL, false, problems);
        }
    }

    /**
     * A probe's form, and with {@code used} its data URIs: a plain URI, or 1 to maxProbeParts parts with a known
     * objective, positive finite weights, examples ≥ 1 and distinct labels. RegMean ({@code unionOfParts})
     * accumulates its Gram matrices over the union of the parts' examples, so a part weight other than 1 is refused.
     */
    private void checkProbe(
            String field, ProbeSpec probe, boolean used, boolean unionOfParts, List<FieldProblem> problems) {
        if (probe.uri() != null) {
            if (used) {
                checkExisting(field, probe.uri(), problems);
            }
            return;
        }
        List<ProbePart> parts = probe.parts();
        if (parts.isEmpty()) {
            problems.add(new FieldProblem(field, "a probe mixture needs at least one part"));
            return;
        }
        if (parts.size() > limits.maxProbeParts()) {
            problems.add(new FieldProblem(
                    field,
                    "must have at most " + limits.maxProbeParts() + " parts (merge.limits.max-probe-parts), got "
                            + parts.size()));
            return;
        }
        java.util.Map<String, Integer> labels = new java.util.HashMap<>();
        for (int k = 0; k < parts.size(); k++) {
            ProbePart part = parts.get(k);
            String at = field + "[" + k + "]";
            if (part == null) {
                problems.add(new FieldProblem(at, "must be an object with a 'uri'"));
                continue;
            }
            if (part.uri() == null || part.uri().isBlank()) {
                problems.add(new FieldProblem(at + ".uri", "a data URI is required"));
            } else if (used) {
                checkExisting(at + ".uri", part.uri(), problems);
            }
            if (part.objective() != null
                    && !List.of(ProbePart.INFONCE, ProbePart.COSENT).contains(part.objective())) {
                problems.add(new FieldProblem(
                        at + ".objective", "must be infonce or cosent, got '" + part.objective() + "'"));
            }
            if (part.weight() != null && !(part.weight() > 0 && Double.isFinite(part.weight()))) {
                problems.add(
                        new FieldProblem(at + ".weight", "must be a positive finite number, got " + part.weight()));
            } else if (unionOfParts && part.weight() != null && part.weight() != 1.0) {
                problems.add(new FieldProblem(
                        at + ".weight",
                        "regmean accumulates its Gram matrices over the union of "
                                + "the parts' examples; a part weight does not apply (leave it out or 1)"));
            }
            if (part.examples() != null && part.examples() < 1) {
                problems.add(new FieldProblem(at + ".examples", "must be at least 1, got " + part.examples()));
            }
            if (part.scoreThreshold() != null && !Double.isFinite(part.scoreThreshold())) {
                problems.add(new FieldProblem(at + ".scoreThreshold", "must be a finite number"));
            }
            String label = part.label() != null ? part.label() : "probe[" + k + "]";
            Integer other = labels.putIfAbsent(label, k);
            if (other != null) {
                problems.add(new FieldProblem(
                        at + ".label",
                        "'" + label + "' already names " + field + "[" + other + "]; labels must be distinct"));
            }
        }
    }

    private void checkEvaluations(List<EvaluationSpec> evaluations, List<FieldProblem> problems) {
        if (evaluations == null) {
            return;
        }
        java.util.Set<String> names = new java.util.HashSet<>();
        for (int i = 0; i < evaluations.size(); i++) {
            EvaluationSpec spec = evaluations.get(i);
            String field = "evaluation[" + i + "]";
            if (spec == null || spec.name() == null || spec.name().isBlank()) {
                problems.add(new FieldProblem(field + ".name", "a name is required"));
                continue;
            }
            if (!names.add(spec.name())) {
                problems.add(new FieldProblem(field + ".name", "'" + spec.name() + "' is used twice"));
            }
            if (spec.task() == null) {
                problems.add(new FieldProblem(field + ".task", "must be sts or retrieval"));
            }
            if (spec.data() == null) {
                problems.add(new FieldProblem(field + ".data", "a data URI is required"));
            } else {
                checkExisting(field + ".data", spec.data(), problems);
            }
        }
    }

    private void validateImport(ImportJobRequest request, List<FieldProblem> problems) {
        if (request.source() == null || request.source().isBlank()) {
            problems.add(new FieldProblem(
                    "source",
                    "a source is required: builtin:all-minilm-l6-v2, "
                            + "builtin:bge-small-zh-v1.5 or the URI of an .onnx file"));
        } else if (request.source().startsWith(BuiltinModel.SCHEME)) {
            if (BuiltinModel.fromSource(request.source()).isEmpty()) {
                problems.add(new FieldProblem(
                        "source",
                        "unknown built-in model '" + request.source() + "'; available: "
                                + java.util.Arrays.stream(BuiltinModel.values())
                                        .map(m -> BuiltinModel.SCHEME + m.id())
                                        .toList()));
            }
        } else if (!request.source().endsWith(".onnx")) {
            problems.add(new FieldProblem("source", "must be a built-in model or the URI of an .onnx file"));
        } else {
            checkExisting("source", request.source(), problems);
            String tokenizer = request.tokenizer() != null
                    ? request.tokenizer()
                    : request.source().substring(0, request.source().lastIndexOf('/') + 1) + "tokenizer.json";
            checkExisting(request.tokenizer() != null ? "tokenizer" : "source", tokenizer, problems);
        }
        if (request.maxSeqLength() != null && request.maxSeqLength() < 1) {
            problems.add(new FieldProblem("maxSeqLength", "must be positive"));
        }
        checkOutput(request.output(), request, problems);
    }

    private void checkExisting(String field, String uri, List<FieldProblem> problems) {
        try {
            dataFiles.check(uri);
        } catch (StorageUriException | ForbiddenPathException e) {
            problems.add(new FieldProblem(field, e.getMessage()));
        }
    }

    private void checkOutput(String output, JobRequest request, List<FieldProblem> problems) {
        if (output == null) {
            return;
        }
        try {
            StorageLocation target = storage.resolve(output);
            if (storage.exists(target)) {
                problems.add(
                        new FieldProblem("output", "'" + output + "' already exists; outputs are never overwritten"));
                return;
            }
            for (String input : RequestInputs.of(request)) {
                if (overlaps(target, input)) {
                    problems.add(new FieldProblem(
                            "output",
                            "'" + output + "' is, lies inside or contains input '" + input
                                    + "'; an output must be kept apart from the job's inputs"));
                    return;
                }
            }
        } catch (StorageUriException e) {
            problems.add(new FieldProblem("output", e.getMessage()));
        }
    }

    /** Inputs that are not valid URIs are reported under their own field. */
    private boolean overlaps(StorageLocation target, String input) {
        try {
            return target.overlaps(storage.resolve(input));
        } catch (StorageUriException e) {
            return false;
        }
    }

    private void checkInputs(String base, List<ModelInput> models, List<FieldProblem> problems) {
        checkInput("base", base, problems);
        if (models == null || models.isEmpty()) {
            problems.add(new FieldProblem("models", "at least one model is required"));
        } else {
            for (int i = 0; i < models.size(); i++) {
                ModelInput model = models.get(i);
                String field = "models[" + i + "]";
                if (model == null) {
                    problems.add(new FieldProblem(field, "must be an object with a 'uri'"));
                    continue;
                }
                checkInput(field + ".uri", model.uri(), problems);
                if (model.weight() != null && !Double.isFinite(model.weight())) {
                    problems.add(new FieldProblem(field + ".weight", "must be a finite number"));
                }
            }
        }
    }

    private void checkInput(String field, String uri, List<FieldProblem> problems) {
        if (uri == null || uri.isBlank()) {
            problems.add(new FieldProblem(field, "a checkpoint URI is required"));
            return;
        }
        try {
            StorageLocation location = storage.resolve(uri);
            if (!storage.exists(location)) {
                problems.add(new FieldProblem(field, "checkpoint '" + uri + "' does not exist"));
            } else {
                storage.checkFiles(location);
            }
        } catch (StorageUriException | ForbiddenPathException e) {
            problems.add(new FieldProblem(field, e.getMessage()));
        }
    }

    private void checkMethod(MergeJobRequest request, List<FieldProblem> problems) {
        if (request.method() == null || request.method().name() == null) {
            problems.add(new FieldProblem("method.name", "a merge method is required (see GET /v1/methods)"));
            return;
        }
        try {
            MergeMethod method = methods.require(request.method().name());
            MethodParams params = methods.validate(method, request.method().params());
            if (request.models() != null && !request.models().isEmpty() && problems.isEmpty()) {
                List<MethodParams> perModel = methods.validateModelParams(
                        method,
                        request.models().stream().map(ModelInput::params).toList());
                methods.validateWeights(
                        method,
                        params,
                        perModel,
                        request.models().stream()
                                .map(ModelInput::effectiveWeight)
                                .toList());
            }
        } catch (InvalidMergeRequestException e) {
            problems.add(new FieldProblem(e.field(), e.getMessage()));
        }
    }
}
