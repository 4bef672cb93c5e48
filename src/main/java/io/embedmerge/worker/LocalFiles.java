package io.embedmerge.worker;

import io.embedmerge.storage.ObjectStorage;
import io.embedmerge.storage.StorageLocation;

import java.nio.file.Path;

/** Local paths for URIs that name single files (an S3 file comes with the rest of its folder, through the cache). */
final class LocalFiles {

    private LocalFiles() {
    }

    static Path file(ObjectStorage storage, String uri) {
        StorageLocation location = storage.resolve(uri);
        if (location instanceof StorageLocation.Local local) {
            return local.path();
        }
        String parent = uri.substring(0, uri.lastIndexOf('/') + 1);
        return storage.localCopy(storage.resolve(parent)).resolve(uri.substring(uri.lastIndexOf('/') + 1));
    }
}
