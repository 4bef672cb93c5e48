package io.embedmerge.positioning;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/** Batches drawn from pairs in a seeded random order, reshuffled after every pass over them. */
final class PairBatches {

    private final List<TextPair> order;
    private final Random random;
    private final int batchSize;
    private int cursor;

    PairBatches(List<TextPair> pairs, int batchSize, long seed) {
        this.order = new ArrayList<>(pairs);
        this.random = new Random(seed);
        this.batchSize = Math.min(batchSize, pairs.size());
        Collections.shuffle(order, random);
    }

    List<TextPair> next() {
        List<TextPair> batch = new ArrayList<>(batchSize);
        while (batch.size() < batchSize) {
            if (cursor == order.size()) {
                Collections.shuffle(order, random);
                cursor = 0;
            }
            batch.add(order.get(cursor++));
        }
        return batch;
    }
}
