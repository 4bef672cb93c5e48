package io.embedmerge.worker;

import io.embedmerge.checkpoint.Checkpoint;
import io.embedmerge.job.ModelInput;
import io.embedmerge.storage.ObjectStorage;
import java.util.ArrayList;
import java.util.List;

/** The base and model checkpoints of a job, fetched to local folders (S3 inputs through the cache) and opened. */
final class CheckpointInputs implements AutoCloseable {

    private final Checkpoint base;
    private final List<Checkpoint> models;

    private CheckpointInputs(Checkpoint base, List<Checkpoint> models) {
        this.base = base;
        this.models = models;
    }

    static CheckpointInputs open(ObjectStorage storage, String baseUri, List<ModelInput> modelInputs) {
        List<Checkpoint> opened = new ArrayList<>();
        try {
            Checkpoint base = Checkpoint.open(storage.localFolder(storage.resolve(baseUri)));
            opened.add(base);
            List<Checkpoint> models = new ArrayList<>();
            for (ModelInput model : modelInputs) {
                Checkpoint checkpoint = Checkpoint.open(storage.localFolder(storage.resolve(model.uri())));
                opened.add(checkpoint);
                models.add(checkpoint);
            }
            return new CheckpointInputs(base, List.copyOf(models));
        } catch (RuntimeException e) {
            opened.forEach(Checkpoint::close);
            throw e;
        }
    }

    Checkpoint base() {
        return base;
    }

    List<Checkpoint> models() {
        return models;
    }

    @Override
    public void close() {
        base.close();
        models.forEach(Checkpoint::close);
    }
}
