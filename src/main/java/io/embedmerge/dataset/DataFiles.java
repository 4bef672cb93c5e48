package io.embedmerge.dataset;

import io.embedmerge.storage.ObjectStorage;
import io.embedmerge.storage.ResourceCache;
import io.embedmerge.storage.StorageLocation;
import io.embedmerge.storage.StorageUriException;
import java.nio.file.Path;
import org.springframework.stereotype.Component;

/**
 * Data URIs (evaluation sets, probes, training data) to local files: {@code builtin:<name>} from the jar, anything
 * else through the storage roots (an S3 file comes with the rest of its folder, through the cache).
 */
@Component
public class DataFiles {

    private final ObjectStorage storage;
    private final ResourceCache resources;

    DataFiles(ObjectStorage storage, ResourceCache resources) {
        this.storage = storage;
        this.resources = resources;
    }

    /** Checks a data URI at submit time; throws {@link StorageUriException} naming what is wrong. */
    public void check(String uri) {
        if (BuiltinDatasets.isBuiltin(uri)) {
            builtin(uri);
        } else {
            StorageLocation location = storage.resolve(uri);
            if (!storage.exists(location)) {
                throw new StorageUriException(uri, "'" + uri + "' does not exist");
            }
            storage.checkFiles(location);
        }
    }

    public Path file(String uri) {
        if (BuiltinDatasets.isBuiltin(uri)) {
            return resources.extract(builtin(uri).resource());
        }
        return storage.localFile(storage.resolve(uri));
    }

    private static BuiltinDataset builtin(String uri) {
        return BuiltinDatasets.find(uri)
                .orElseThrow(() -> new StorageUriException(
                        uri, "unknown built-in dataset '" + uri + "'; available: " + BuiltinDatasets.uris()));
    }
}
