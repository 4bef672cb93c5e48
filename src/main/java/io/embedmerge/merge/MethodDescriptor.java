package io.embedmerge.merge;

import java.util.List;

/**
 * What {@code GET /v1/methods} tells about a method, and what the runner and validator ask of it.
 *
 * @param referenceUrl     the paper or definition the method follows
 * @param params           its parameters
 * @param weights          the per-model weights it accepts
 * @param statisticsPasses the streaming passes over the inputs it may run before the write pass
 * @param dataNeeds        what it needs from the encoder before the write pass
 */
public record MethodDescriptor(
        String name,
        String description,
        String referenceUrl,
        List<ParamSpec> params,
        WeightSpec weights,
        List<String> statisticsPasses,
        DataNeeds dataNeeds) {

    public MethodDescriptor {
        params = List.copyOf(params);
        statisticsPasses = List.copyOf(statisticsPasses);
    }
}
