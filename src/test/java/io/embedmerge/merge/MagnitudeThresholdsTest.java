package io.embedmerge.merge;

import io.embedmerge.merge.execution.MergeExecutor;
import io.embedmerge.merge.statistics.MagnitudeThresholds;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The exact k-th largest |v| from histogram passes, against sorting, on data spanning several chunks: two full passes,
 * or one full pass after a sample that predicts the bins, and two again when the sample misleads.
 */
class MagnitudeThresholdsTest {

    private static float kthLargestMagnitude(float[] v, double density) {
        float[] mags = new float[v.length];
        for (int j = 0; j < v.length; j++) {
            mags[j] = Math.abs(v[j]);
        }
        Arrays.sort(mags);
        return mags[mags.length - (int) Math.ceil(density * v.length)];
    }

    @Test
    void thresholdsEqualSortingForSeveralDensities() {
        Random random = new Random(5);
        float[][] models = new float[2][2_500_000];
        for (int j = 0; j < models[0].length; j++) {
            models[0][j] = (float) (random.nextGaussian() * 0.01);
            models[1][j] = Math.round(random.nextGaussian() * 8) / 8f;   // many exact ties
        }
        float[] base = new float[MergeExecutor.CHUNK_ELEMENTS];
        MergeTensor tensor = new MergeTensor(0, "t", java.util.List.of((long) models[0].length), models[0].length);
        for (double density : new double[]{1e-6, 0.2, 0.5, 1.0}) {
            float[] thresholds = MagnitudeThresholds.find(visitor -> {
                for (int first = 0; first < models[0].length; first += MergeExecutor.CHUNK_ELEMENTS) {
                    int count = Math.min(MergeExecutor.CHUNK_ELEMENTS, models[0].length - first);
                    float[][] chunk = {Arrays.copyOfRange(models[0], first, first + count),
                            Arrays.copyOfRange(models[1], first, first + count)};
                    visitor.visit(tensor, first, base, chunk, count);
                }
            }, 2, models[0].length, density);
            for (int i = 0; i < 2; i++) {
                assertThat(thresholds[i]).as("density %s model %d", density, i)
                        .isEqualTo(kthLargestMagnitude(models[i], density));
            }
        }
    }

    /** Visits {@code models} chunk by chunk (base 0), every {@code stride}-th chunk only when stride > 1. */
    private static Consumer<ChunkVisitor> chunks(float[][] models, int stride, float scale, int[] passes) {
        float[] base = new float[MergeExecutor.CHUNK_ELEMENTS];
        MergeTensor tensor = new MergeTensor(0, "t", java.util.List.of((long) models[0].length), models[0].length);
        int length = stride > 1 ? 1 << 16 : MergeExecutor.CHUNK_ELEMENTS;
        return visitor -> {
            passes[0]++;
            int block = 0;
            for (int first = 0; first < models[0].length; first += length, block++) {
                if (block % stride != 0) {
                    continue;
                }
                int count = Math.min(length, models[0].length - first);
                float[][] chunk = new float[models.length][];
                for (int i = 0; i < models.length; i++) {
                    chunk[i] = Arrays.copyOfRange(models[i], first, first + count);
                    for (int j = 0; j < count; j++) {
                        chunk[i][j] *= scale;
                    }
                }
                visitor.visit(tensor, first, base, chunk, count);
            }
        };
    }

    private static float[][] twoModels(long seed) {
        Random random = new Random(seed);
        float[][] models = new float[2][3_000_001];
        for (int j = 0; j < models[0].length; j++) {
            models[0][j] = (float) (random.nextGaussian() * 0.002);
            models[1][j] = (float) (random.nextGaussian() * 0.01 + (j % 7 == 0 ? 0.003 : 0));
        }
        return models;
    }

    private static long rank(long entries, double share) {
        return Math.max(1, (long) Math.ceil(share * entries));
    }

    private static float kthLargest(float[] v, long k) {
        float[] mags = new float[v.length];
        for (int j = 0; j < v.length; j++) {
            mags[j] = Math.abs(v[j]);
        }
        Arrays.sort(mags);
        return mags[(int) (mags.length - k)];
    }

    @Test
    void aSampleThatPredictsTheBinsSavesTheSecondPass() {
        float[][] models = twoModels(9);
        long entries = models[0].length;
        for (double density : new double[]{1e-5, 0.01, 0.2, 0.5, 0.9, 1.0}) {
            // two ranks per model, as breadcrumbs asks: the band between the top 1% and the top (density + 1%)
            long[][] ranks = {{rank(entries, Math.min(1, density + 0.01)), rank(entries, 0.01)},
                    {rank(entries, density)}};
            int[] passes = new int[1];
            int[] samples = new int[1];
            float[][] found = MagnitudeThresholds.findRanks(chunks(models, 1, 1, passes),
                    chunks(models, 16, 1, samples), 2, entries, ranks);
            for (int i = 0; i < 2; i++) {
                for (int q = 0; q < ranks[i].length; q++) {
                    assertThat(found[i][q]).as("density %s model %d rank %d", density, i, ranks[i][q])
                            .isEqualTo(kthLargest(models[i], ranks[i][q]));
                }
            }
            assertThat(samples[0]).isEqualTo(1);
            // the extremes (a few dozen entries, or the very smallest) are where a sample cannot see the bin
            if (density >= 0.01 && density <= 0.9) {
                assertThat(passes[0]).as("full passes at density %s", density).isEqualTo(1);
            }
        }
    }

    @Test
    void aMisleadingSampleCostsASecondPassNotTheResult() {
        float[][] models = twoModels(10);
        long entries = models[0].length;
        for (float scale : new float[]{8f, 0.125f, 1.02f}) {
            long[][] ranks = {{rank(entries, 0.2)}, {rank(entries, 0.7), rank(entries, 0.05)}};
            int[] passes = new int[1];
            float[][] found = MagnitudeThresholds.findRanks(chunks(models, 1, 1, passes),
                    chunks(models, 16, scale, new int[1]), 2, entries, ranks);
            for (int i = 0; i < 2; i++) {
                for (int q = 0; q < ranks[i].length; q++) {
                    assertThat(found[i][q]).as("sample scaled %s, model %d rank %d", scale, i, ranks[i][q])
                            .isEqualTo(kthLargest(models[i], ranks[i][q]));
                }
            }
            assertThat(passes[0]).as("a sample scaled by %s predicts the wrong bins", scale).isEqualTo(2);
        }
    }
}
