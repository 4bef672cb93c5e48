package io.embedmerge.api;

import io.embedmerge.job.FieldProblem;
import io.embedmerge.job.JobMetadata;
import io.embedmerge.job.MalformedRequestException;
import java.util.LinkedHashMap;
import java.util.Map;

/** The {@code metadata.<key>=<value>} query parameters of the job list. */
final class MetadataFilters {

    private static final String PREFIX = "metadata.";

    private MetadataFilters() {}

    static Map<String, String> of(Map<String, String> parameters) {
        Map<String, String> filters = new LinkedHashMap<>();
        parameters.forEach((name, value) -> {
            if (name.startsWith(PREFIX)) {
                String key = name.substring(PREFIX.length());
                if (!JobMetadata.validKey(key)) {
                    throw new MalformedRequestException(new FieldProblem(
                            name, "not a metadata key (1 to 63 characters of a-z, A-Z, 0-9, '.', '_' or '-')"));
                }
                filters.put(key, value);
            }
        });
        return filters;
    }
}
