package io.embedmerge;

import io.embedmerge.checkpoint.SyntheticCheckpoints;
import io.embedmerge.tensor.DType;
import java.nio.file.Path;

/**
 * {@code java -jar embed-merge.jar demo-checkpoints [folder] [models] [dtype]}: writes a tiny BERT-shaped base and
 * fine-tuned checkpoints with random weights, for trying the API without downloading a model.
 */
final class DemoCheckpointsCommand {

    private DemoCheckpointsCommand() {}

    static void run(String[] args) {
        Path root = Path.of(args.length > 1 ? args[1] : "./data/models");
        int models = args.length > 2 ? Integer.parseInt(args[2]) : 2;
        DType dtype = args.length > 3 ? DType.valueOf(args[3].toUpperCase()) : DType.F32;
        SyntheticCheckpoints.write(root, new SyntheticCheckpoints.Shape(2, 64, 256, 1000), dtype, models, 42);
        System.out.println("wrote " + root.resolve("base") + " and " + models + " fine-tuned variants (model-1..)");
    }
}
