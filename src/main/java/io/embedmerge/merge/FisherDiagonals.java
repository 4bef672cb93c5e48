package io.embedmerge.merge;

import java.util.List;
import java.util.Map;

/** The diagonal Fisher F_i of each model, per tensor name, flattened in the tensor's element order. */
public record FisherDiagonals(List<Map<String, float[]>> perModel) implements Precomputed {
}
