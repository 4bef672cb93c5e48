package io.embedmerge.merge;

import java.util.List;

/** What {@code GET /v1/methods} tells about a method: its parameters and the per-model weights it accepts. */
public record MethodDescriptor(String name, String description, List<ParamSpec> params, WeightSpec weights) {

    public MethodDescriptor {
        params = List.copyOf(params);
    }
}
