package io.embedmerge.merge;

import io.embedmerge.checkpoint.WeightFile;
import java.util.List;

/**
 * The diagonal Fisher F_i of each model: one mapped file per model with a float32 tensor per parameter, named and
 * shaped like the parameter (the worker owns and deletes the files).
 */
public record FisherDiagonals(List<WeightFile> perModel) implements Precomputed {

    public FisherDiagonals {
        perModel = List.copyOf(perModel);
    }
}
