package io.embedmerge.merge;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Layer numbers in tensor names ({@code encoder.layer.3.attention.self.query.weight}, {@code layers.3.},
 * {@code h.3.}, {@code blocks.3.}): the first such part of a name is its layer.
 */
public final class LayerNames {

    private static final Pattern LAYER = Pattern.compile("(?:^|\\.)(?:layer|layers|h|blocks)\\.(\\d+)\\.");

    private LayerNames() {}

    /** The layer of a tensor, or -1 when the name has none (embeddings, pooler). */
    public static int layer(String name) {
        Matcher m = LAYER.matcher(name);
        return m.find() ? Integer.parseInt(m.group(1)) : -1;
    }

    /** The name with its layer number replaced by {@code layer}; the name must have one. */
    public static String renumber(String name, int layer) {
        Matcher m = LAYER.matcher(name);
        if (!m.find()) {
            throw new IllegalArgumentException("'" + name + "' names no layer");
        }
        return name.substring(0, m.start(1)) + layer + name.substring(m.end(1));
    }
}
