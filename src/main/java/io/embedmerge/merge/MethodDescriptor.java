package io.embedmerge.merge;

import java.util.List;

/** What {@code GET /v1/methods} tells about a method. */
public record MethodDescriptor(String name, String description, List<ParamSpec> params) {

    public MethodDescriptor {
        params = List.copyOf(params);
    }
}
