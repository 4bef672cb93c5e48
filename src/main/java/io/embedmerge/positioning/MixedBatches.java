package io.embedmerge.positioning;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Batches that each come from one dataset, for a mixture whose datasets have different objectives (each batch is
 * scored by its own dataset's loss; FlagEmbedding's same-dataset batching, sentence-transformers' multi-task
 * training). A pass over the mixture holds ⌈count_i / batchSize⌉ batches of dataset i, in a seeded random order,
 * so datasets are interleaved in proportion to their counts in the mixture. Within a dataset the batches run
 * through its drawn examples in a seeded order reshuffled after every pass, as {@link PairBatches}: a pass sees
 * every drawn example once, and a dataset's last batch of a pass is filled from its next one.
 */
final class MixedBatches {

    /** One batch and the index of the dataset it came from. */
    record Batch(int dataset, List<TextPair> pairs) {}

    private final List<PairBatches> datasets = new ArrayList<>();
    private final List<Integer> schedule = new ArrayList<>();
    private final Random random;
    private int cursor;

    MixedBatches(List<List<TextPair>> parts, int batchSize, long seed) {
        random = new Random(seed);
        for (int i = 0; i < parts.size(); i++) {
            List<TextPair> part = parts.get(i);
            if (part.isEmpty()) {
                datasets.add(null);
                continue;
            }
            datasets.add(new PairBatches(part, batchSize, random.nextLong()));
            int size = Math.min(batchSize, part.size());
            for (int b = 0; b < (part.size() + size - 1) / size; b++) {
                schedule.add(i);
            }
        }
        if (schedule.isEmpty()) {
            throw new IllegalArgumentException("the training data has no pairs");
        }
        Collections.shuffle(schedule, random);
    }

    /** Batches of one pass over the mixture (the same each pass; their order changes). */
    int batchesPerPass() {
        return schedule.size();
    }

    Batch next() {
        if (cursor == schedule.size()) {
            Collections.shuffle(schedule, random);
            cursor = 0;
        }
        int dataset = schedule.get(cursor++);
        return new Batch(dataset, datasets.get(dataset).next());
    }
}
