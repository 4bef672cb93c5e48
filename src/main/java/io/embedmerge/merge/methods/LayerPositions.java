package io.embedmerge.merge.methods;

import io.embedmerge.merge.MergeTensor;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where each tensor lies between the first and the last layer, t ∈ [0, 1], for parameters given as a list across the
 * layers (as mergekit's gradients): layer k of L has t = k/(L−1); tensors before the first layer (embeddings) have
 * t = 0, those after it (pooler, heads) t = 1.
 */
final class LayerPositions {

    private static final Pattern LAYER = Pattern.compile("(?:^|\\.)(?:layer|layers|h|blocks)\\.(\\d+)\\.");

    private final Map<Integer, Double> positions;

    private LayerPositions(Map<Integer, Double> positions) {
        this.positions = positions;
    }

    static LayerPositions of(List<MergeTensor> tensors) {
        int layers = 0;
        for (MergeTensor t : tensors) {
            Integer layer = layer(t.name());
            if (layer != null) {
                layers = Math.max(layers, layer + 1);
            }
        }
        Map<Integer, Double> positions = new HashMap<>();
        boolean seenLayer = false;
        for (MergeTensor t : tensors) {
            Integer layer = layer(t.name());
            seenLayer |= layer != null;
            positions.put(t.index(), layer != null ? (layers == 1 ? 0.0 : layer / (double) (layers - 1))
                    : seenLayer ? 1.0 : 0.0);
        }
        return new LayerPositions(positions);
    }

    private static Integer layer(String name) {
        Matcher m = LAYER.matcher(name);
        return m.find() ? Integer.valueOf(m.group(1)) : null;
    }

    double of(MergeTensor tensor) {
        return positions.getOrDefault(tensor.index(), 0.0);
    }
}
