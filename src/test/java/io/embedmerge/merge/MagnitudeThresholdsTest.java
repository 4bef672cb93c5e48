package io.embedmerge.merge;

import static org.assertj.core.api.Assertions.assertThat;

import io.embedmerge.merge.execution.MergeExecutor;
import io.embedmerge.merge.statistics.MagnitudeThresholds;
import java.util.Arrays;
import java.util.Random;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** The exact k-th largest |v| from two histogram passes, against sorting, on data spanning several chunks. */
class MagnitudeThresholdsTest {

    private static float kthLargestMagnitude(float[] v, double density) {
        float[] mags = new float[v.length];
        for (int j = 0; j < v.length; j++) {
            mags[j] = Math.abs(v[j]);
        }
        Arrays.sort(mags);
        return mags[mags.length - (int) Math.ceil(density * v.length)];
    }

    /** One pass over the models (base 0) in executor-sized chunks. */
    private static Consumer<ChunkVisitor> chunks(float[][] models) {
        float[] base = new float[MergeExecutor.CHUNK_ELEMENTS];
        MergeTensor tensor = new MergeTensor(0, "t", java.util.List.of((long) models[0].length), models[0].length);
        return visitor -> {
            for (int first = 0; first < models[0].length; first += MergeExecutor.CHUNK_ELEMENTS) {
                int count = Math.min(MergeExecutor.CHUNK_ELEMENTS, models[0].length - first);
                float[][] chunk = new float[models.length][];
                for (int i = 0; i < models.length; i++) {
                    chunk[i] = Arrays.copyOfRange(models[i], first, first + count);
                }
                visitor.visit(tensor, first, base, chunk, count);
            }
        };
    }

    @Test
    void thresholdsEqualSortingForSeveralDensities() {
        Random random = new Random(5);
        float[][] models = new float[2][2_500_000];
        for (int j = 0; j < models[0].length; j++) {
            models[0][j] = (float) (random.nextGaussian() * 0.01);
            models[1][j] = Math.round(random.nextGaussian() * 8) / 8f; // many exact ties
        }
        for (double density : new double[] {1e-6, 0.2, 0.5, 1.0}) {
            float[] thresholds = MagnitudeThresholds.find(chunks(models), 2, models[0].length, density);
            for (int i = 0; i < 2; i++) {
                assertThat(thresholds[i])
                        .as("density %s model %d", density, i)
                        .isEqualTo(kthLargestMagnitude(models[i], density));
            }
        }
    }

    @Test
    void severalRanksPerModelInOneRefiningSweep() {
        // breadcrumbs asks two ranks per model (both bounds of its band), often in different bins
        Random random = new Random(8);
        float[][] models = new float[2][2_200_000];
        for (int j = 0; j < models[0].length; j++) {
            models[0][j] = (float) (random.nextGaussian() * 0.002);
            models[1][j] = Math.round(random.nextGaussian() * 16) / 16f; // many exact ties
        }
        long entries = models[0].length;
        long[][] ranks = {{1, 22_000, 462_000, entries}, {440_000, 22_000}};
        float[][] found = MagnitudeThresholds.findRanks(chunks(models), 2, entries, ranks);
        for (int i = 0; i < 2; i++) {
            float[] mags = new float[models[i].length];
            for (int j = 0; j < mags.length; j++) {
                mags[j] = Math.abs(models[i][j]);
            }
            Arrays.sort(mags);
            for (int q = 0; q < ranks[i].length; q++) {
                assertThat(found[i][q])
                        .as("model %d rank %d", i, ranks[i][q])
                        .isEqualTo(mags[(int) (mags.length - ranks[i][q])]);
            }
        }
    }
}
