package io.embedmerge.positioning;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Same-dataset batches for a mixture of objectives: homogeneous, in proportion to the mixture's counts, seeded. */
class MixedBatchesTest {

    private static List<TextPair> dataset(String name, int size) {
        return IntStream.range(0, size)
                .mapToObj(i -> new TextPair(name + i, name + "+" + i))
                .toList();
    }

    private static int datasetOf(TextPair pair) {
        return pair.query().charAt(0) - 'a';
    }

    @Test
    void everyBatchComesFromTheDatasetItNames() {
        MixedBatches batches = new MixedBatches(List.of(dataset("a", 37), dataset("b", 100), dataset("c", 9)), 8, 5);
        for (int k = 0; k < 200; k++) {
            MixedBatches.Batch batch = batches.next();
            assertThat(batch.pairs()).hasSize(8);
            assertThat(batch.pairs()).allSatisfy(p -> assertThat(datasetOf(p)).isEqualTo(batch.dataset()));
        }
    }

    /** With resample, the counts are the mixture's (DataMix.draw); a pass covers each drawn example once. */
    @Test
    void aPassHoldsEachDatasetInProportionToItsCountInTheMixture() {
        List<List<TextPair>> datasets = List.of(dataset("a", 300), dataset("b", 30));
        int[] counts = DataMix.counts(datasets, new double[] {1, 1}, DataMix.Resample.TOTAL_LENGTH);
        List<List<TextPair>> drawn = DataMix.draw(datasets, new double[] {1, 1}, DataMix.Resample.TOTAL_LENGTH, 3);
        assertThat(counts).containsExactly(165, 165);
        int batchSize = 16;
        MixedBatches batches = new MixedBatches(drawn, batchSize, 11);
        // ⌈165/16⌉ = 11 batches of each per pass
        assertThat(batches.batchesPerPass()).isEqualTo(22);
        Map<String, Integer> drawnCopies = new HashMap<>();
        drawn.forEach(part -> part.forEach(p -> drawnCopies.merge(p.query(), 1, Integer::sum)));
        for (int pass = 0; pass < 3; pass++) {
            int[] perDataset = new int[2];
            Map<String, Integer> seen = new HashMap<>();
            for (int k = 0; k < batches.batchesPerPass(); k++) {
                MixedBatches.Batch batch = batches.next();
                perDataset[batch.dataset()]++;
                batch.pairs().forEach(p -> seen.merge(p.query(), 1, Integer::sum));
            }
            assertThat(perDataset).containsExactly(11, 11);
            assertThat(seen.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(22 * batchSize);
            if (pass == 0) {
                // the first pass runs through each dataset's draw (165) and fills its last batch from the next pass
                drawnCopies.forEach((query, copies) ->
                        assertThat(seen.getOrDefault(query, 0)).as(query).isGreaterThanOrEqualTo(copies));
            }
        }
    }

    @Test
    void unbalancedCountsGiveProportionalBatchesAndEveryDrawnExampleOncePerPass() {
        List<List<TextPair>> drawn = List.of(dataset("a", 64), dataset("b", 320));
        MixedBatches batches = new MixedBatches(drawn, 32, 2);
        assertThat(batches.batchesPerPass()).isEqualTo(2 + 10);
        List<Integer> order = new ArrayList<>();
        Map<String, Integer> seen = new HashMap<>();
        for (int k = 0; k < 12; k++) {
            MixedBatches.Batch batch = batches.next();
            order.add(batch.dataset());
            batch.pairs().forEach(p -> seen.merge(p.query(), 1, Integer::sum));
        }
        assertThat(order.stream().filter(d -> d == 0).count()).isEqualTo(2);
        // counts divisible by the batch size: one pass is exactly the mixture
        assertThat(seen).hasSize(64 + 320);
        assertThat(seen.values()).containsOnly(1);
        assertThat(order)
                .as("interleaved, not all of one dataset first")
                .isNotEqualTo(List.of(0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1));
    }

    @Test
    void theSameSeedGivesTheSameBatchesAndAnotherSeedOthers() {
        List<List<TextPair>> drawn = List.of(dataset("a", 50), dataset("b", 70));
        assertThat(sequence(drawn, 4)).isEqualTo(sequence(drawn, 4)).isNotEqualTo(sequence(drawn, 5));
    }

    @Test
    void anEmptyDatasetGetsNoBatchesAndAnEmptyMixtureIsRefused() {
        MixedBatches batches = new MixedBatches(List.of(List.of(), dataset("b", 20)), 8, 1);
        assertThat(batches.batchesPerPass()).isEqualTo(3);
        assertThat(IntStream.range(0, 10).map(k -> batches.next().dataset())).containsOnly(1);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new MixedBatches(List.of(List.of(), List.of()), 8, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no pairs");
    }

    private static List<String> sequence(List<List<TextPair>> drawn, long seed) {
        MixedBatches batches = new MixedBatches(drawn, 16, seed);
        List<String> queries = new ArrayList<>();
        for (int k = 0; k < 20; k++) {
            batches.next().pairs().forEach(p -> queries.add(p.query()));
        }
        return queries;
    }
}
