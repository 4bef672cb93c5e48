package io.embedmerge.storage;

import java.nio.file.Path;
import java.util.List;

/**
 * Where the service may read and write: inside one of {@code roots} and neither inside nor around one of its own
 * {@code reserved} folders (database, cache, scratch). All paths are real paths (symlinks resolved).
 */
public record Confinement(List<Path> roots, List<Path> reserved) {

    public Confinement {
        roots = List.copyOf(roots);
        reserved = List.copyOf(reserved);
    }

    /** True when a file at this real path may be read or written. */
    public boolean allowsFile(Path real) {
        return roots.stream().anyMatch(real::startsWith) && reserved.stream().noneMatch(real::startsWith);
    }

    /** True when a folder at this real path may be used whole: it also must not contain a reserved folder. */
    public boolean allowsFolder(Path real) {
        return allowsFile(real) && reserved.stream().noneMatch(r -> r.startsWith(real));
    }
}
