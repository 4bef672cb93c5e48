package io.embedmerge.merge.methods;

import io.embedmerge.merge.LayerNames;
import io.embedmerge.merge.MergeSetup;
import io.embedmerge.merge.MergeTensor;
import io.embedmerge.merge.MethodParams;
import io.embedmerge.merge.SliceLayout;
import java.util.Collection;
import java.util.List;

/**
 * Where each tensor lies across the layers, t ∈ [0, 1], for parameters given as a list across the layers, exactly as
 * mergekit evaluates its gradients: within a slice of L layers, layer k of the slice has t = k/(L−1) (t = 1 when the
 * slice has one layer); without slices the whole encoder is one slice. Tensors outside the layers (embeddings,
 * pooler, heads) have t = 0.
 */
final class LayerPositions {

    /** Lengths of the slices in order; one slice of all the layers without slices. */
    private final List<Integer> slices;

    private LayerPositions(List<Integer> slices) {
        this.slices = slices;
    }

    static LayerPositions of(MergeSetup setup) {
        return of(setup.inputs().tensors().stream().map(MergeTensor::name).toList(), setup.params());
    }

    /** @param names the output's tensor names */
    static LayerPositions of(Collection<String> names, MethodParams params) {
        List<Integer> lengths =
                params.values().containsKey(SliceLayout.PARAM.name()) ? SliceLayout.lengths(params) : null;
        if (lengths == null) {
            int layers = names.stream().mapToInt(LayerNames::layer).max().orElse(-1) + 1;
            lengths = List.of(layers);
        }
        return new LayerPositions(lengths);
    }

    double of(MergeTensor tensor) {
        return of(tensor.name());
    }

    double of(String name) {
        int layer = LayerNames.layer(name);
        if (layer < 0) {
            return 0;
        }
        int start = 0;
        for (int length : slices) {
            if (layer < start + length) {
                return length == 1 ? 1 : (layer - start) / (double) (length - 1);
            }
            start += length;
        }
        return 1;
    }
}
