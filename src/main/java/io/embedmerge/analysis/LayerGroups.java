package io.embedmerge.analysis;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Groups tensor names into layers: {@code encoder.layer.3.…} → {@code encoder.layer.3}; else the first component. */
final class LayerGroups {

    private static final Pattern NUMBERED = Pattern.compile("^(.*?\\b(?:layer|layers|h|block|blocks)\\.\\d+)\\.");

    private LayerGroups() {}

    static String of(String tensorName) {
        Matcher m = NUMBERED.matcher(tensorName);
        if (m.find()) {
            return m.group(1);
        }
        int dot = tensorName.indexOf('.');
        return dot < 0 ? tensorName : tensorName.substring(0, dot);
    }
}
