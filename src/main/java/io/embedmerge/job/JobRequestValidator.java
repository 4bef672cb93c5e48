package io.embedmerge.job;

import io.embedmerge.merge.InvalidMergeRequestException;
import io.embedmerge.merge.MergeMethod;
import io.embedmerge.merge.MethodParams;
import io.embedmerge.merge.MethodRegistry;
import io.embedmerge.storage.ObjectStorage;
import io.embedmerge.storage.StorageLocation;
import io.embedmerge.storage.StorageUriException;
import org.springframework.stereotype.Component;

import java.util.ArrayList;
import java.util.List;

/**
 * Submit-time checks of a job request: everything that needs no reading of checkpoint contents (method,
 * parameters, weights, URIs inside the storage roots, inputs present, output absent). Tensor names and shapes are
 * checked by the worker, which fails the job naming the tensor.
 */
@Component
class JobRequestValidator {

    private final MethodRegistry methods;
    private final ObjectStorage storage;

    JobRequestValidator(MethodRegistry methods, ObjectStorage storage) {
        this.methods = methods;
        this.storage = storage;
    }

    void validate(JobRequest request) {
        List<FieldProblem> problems = new ArrayList<>();
        switch (request) {
            case MergeJobRequest merge -> validateMerge(merge, problems);
            case AnalyzeJobRequest analyze -> {
                checkInputs(analyze.base(), analyze.models(), problems);
                if (!(analyze.effectiveDensity() > 0 && analyze.effectiveDensity() <= 1)) {
                    problems.add(new FieldProblem("density", "must be in (0, 1]"));
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new JobValidationException(problems);
        }
    }

    private void validateMerge(MergeJobRequest request, List<FieldProblem> problems) {
        checkInputs(request.base(), request.models(), problems);
        if (request.maxShardBytes() != null && request.maxShardBytes() < 1) {
            problems.add(new FieldProblem("maxShardBytes", "must be a positive number of bytes"));
        }
        if (request.output() != null) {
            try {
                StorageLocation output = storage.resolve(request.output());
                if (storage.exists(output)) {
                    problems.add(new FieldProblem("output", "'" + request.output()
                            + "' already exists; outputs are never overwritten"));
                }
            } catch (StorageUriException e) {
                problems.add(new FieldProblem("output", e.getMessage()));
            }
        }
        checkMethod(request, problems);
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
            }
        } catch (StorageUriException e) {
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
                method.validate(params, request.models().stream().map(ModelInput::effectiveWeight).toList());
            }
        } catch (InvalidMergeRequestException e) {
            problems.add(new FieldProblem(e.field(), e.getMessage()));
        }
    }
}
