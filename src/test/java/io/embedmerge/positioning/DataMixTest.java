package io.embedmerge.positioning;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The paper's resampling baselines as mixture sizes, and how examples are drawn. */
class DataMixTest {

    private static List<TextPair> dataset(String name, int size) {
        return IntStream.range(0, size)
                .mapToObj(i -> new TextPair(name + i, name + "+" + i))
                .toList();
    }

    private final List<List<TextPair>> datasets = List.of(dataset("a", 100), dataset("b", 20), dataset("c", 40));

    @Test
    void countsFollowEachResamplingRule() {
        double[] ratios = {1, 2, 1};
        assertThat(DataMix.counts(datasets, ratios, DataMix.Resample.NONE)).containsExactly(100, 40, 40);
        // total 160 shared 1:2:1
        assertThat(DataMix.counts(datasets, ratios, DataMix.Resample.TOTAL_LENGTH))
                .containsExactly(40, 80, 40);
        // the largest dataset has 100
        assertThat(DataMix.counts(datasets, ratios, DataMix.Resample.MAX_LENGTH))
                .containsExactly(100, 200, 100);
    }

    @Test
    void drawKeepsEachDatasetsShareApartInTheMixturesOrder() {
        for (DataMix.Resample resample : DataMix.Resample.values()) {
            List<List<TextPair>> drawn = DataMix.draw(datasets, new double[] {1, 2, 1}, resample, 7);
            int[] counts = DataMix.counts(datasets, new double[] {1, 2, 1}, resample);
            for (int i = 0; i < counts.length; i++) {
                assertThat(drawn.get(i)).hasSize(counts[i]);
                String prefix = "abc".substring(i, i + 1);
                assertThat(drawn.get(i)).allSatisfy(p -> assertThat(p.query()).startsWith(prefix));
            }
            assertThat(drawn.stream().flatMap(List::stream).toList())
                    .isEqualTo(DataMix.mix(datasets, new double[] {1, 2, 1}, resample, 7));
        }
    }

    @Test
    void downSamplingNeverRepeatsAndUpSamplingRepeatsEvenly() {
        List<TextPair> mixture = DataMix.mix(datasets, new double[] {1, 2, 1}, DataMix.Resample.TOTAL_LENGTH, 7);
        Map<String, Long> copies =
                mixture.stream().collect(Collectors.groupingBy(TextPair::query, Collectors.counting()));
        List<String> fromA = new ArrayList<>(
                copies.keySet().stream().filter(q -> q.startsWith("a")).toList());
        assertThat(fromA).hasSize(40);
        assertThat(copies.entrySet().stream()
                        .filter(e -> e.getKey().startsWith("a"))
                        .map(Map.Entry::getValue))
                .containsOnly(1L);
        // 80 drawn from 20: every example exactly 4 times
        assertThat(copies.entrySet().stream()
                        .filter(e -> e.getKey().startsWith("b"))
                        .map(Map.Entry::getValue))
                .hasSize(20)
                .containsOnly(4L);
        assertThat(DataMix.mix(datasets, new double[] {1, 2, 1}, DataMix.Resample.TOTAL_LENGTH, 7))
                .isEqualTo(mixture);
        assertThat(DataMix.mix(datasets, new double[] {1, 2, 1}, DataMix.Resample.TOTAL_LENGTH, 8))
                .isNotEqualTo(mixture);
        assertThat(mixture.stream()
                        .map(TextPair::query)
                        .collect(Collectors.toMap(Function.identity(), q -> 1, Integer::sum)))
                .hasSize(40 + 20 + 40);
    }
}
