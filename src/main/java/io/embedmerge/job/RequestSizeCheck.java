package io.embedmerge.job;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

/**
 * The size limits of a job request, checked by one walk over its JSON so that every string and list, present or
 * added later, is covered without a check per field. Runs before any other validation, which may echo values.
 */
@Component
class RequestSizeCheck {

    private final RequestLimits limits;
    private final JobJson json;

    RequestSizeCheck(RequestLimits limits, JobJson json) {
        this.limits = limits;
        this.json = json;
    }

    void check(JobRequest request) {
        List<FieldProblem> problems = new ArrayList<>();
        walk(json.toTree(request), "", problems);
        if (!problems.isEmpty()) {
            throw new JobValidationException(problems);
        }
    }

    private void walk(JsonNode node, String path, List<FieldProblem> problems) {
        if (node.isString()) {
            int length = node.asString().length();
            if (length > limits.maxStringLength()) {
                problems.add(new FieldProblem(
                        path, "must be at most " + limits.maxStringLength() + " characters long, got " + length));
            }
        } else if (node.isArray()) {
            int max = path.equals("models") ? limits.maxModels() : limits.maxListLength();
            if (node.size() > max) {
                problems.add(new FieldProblem(path, "must have at most " + max + " entries, got " + node.size()));
                return;
            }
            for (int i = 0; i < node.size(); i++) {
                walk(node.get(i), path + "[" + i + "]", problems);
            }
        } else if (node.isObject()) {
            for (Map.Entry<String, JsonNode> field : node.properties()) {
                String key = field.getKey();
                if (key.length() > limits.maxStringLength()) {
                    problems.add(new FieldProblem(
                            path,
                            "has a key of " + key.length() + " characters; at most " + limits.maxStringLength()
                                    + " are allowed"));
                    continue;
                }
                walk(field.getValue(), path.isEmpty() ? key : path + "." + key, problems);
            }
        }
    }
}
