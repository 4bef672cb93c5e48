package io.embedmerge.positioning;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;

/**
 * The per-step cost of projecting a gradient onto two task vectors of all-MiniLM-L6-v2's shapes (22.5 M entries),
 * three ways: float32 product and sum in the engine (before), operands widened to float64 in the engine a slice at
 * a time, and {@link Float64Dot} (slices copied out of the engine, float64 products and sums in Java). Run: {@code ./mvnw -q test-compile exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=io.embedmerge.positioning.Float64DotBench}.
 */
public final class Float64DotBench {

    private Float64DotBench() {}

    /** The alternative: each slice of both operands widened to float64 in the engine, then its dot product there. */
    private static double widenedInTheEngine(NDArray a, NDArray b) {
        double sum = 0;
        long n = a.size();
        try (NDArray flatA = a.reshape(-1);
                NDArray flatB = b.reshape(-1)) {
            for (long start = 0; start < n; start += Float64Dot.CHUNK) {
                ai.djl.ndarray.index.NDIndex slice =
                        new ai.djl.ndarray.index.NDIndex().addSliceDim(start, Math.min(n, start + Float64Dot.CHUNK));
                try (NDArray x = flatA.get(slice);
                        NDArray y = flatB.get(slice);
                        NDArray wideX = x.toType(DataType.FLOAT64, false);
                        NDArray wideY = y.toType(DataType.FLOAT64, false);
                        NDArray dot = wideX.dot(wideY)) {
                    sum += dot.getDouble();
                }
            }
        }
        return sum;
    }

    public static void main(String[] args) {
        List<Shape> shapes = new ArrayList<>(List.of(new Shape(30522, 384), new Shape(512, 384)));
        for (int layer = 0; layer < 6; layer++) {
            shapes.addAll(List.of(
                    new Shape(384, 384),
                    new Shape(384, 384),
                    new Shape(384, 384),
                    new Shape(384, 384),
                    new Shape(1536, 384),
                    new Shape(384, 1536),
                    new Shape(1536),
                    new Shape(384)));
        }
        try (NDManager manager = NDManager.newBaseManager()) {
            manager.getEngine().setRandomSeed(1);
            List<NDArray> gradient = new ArrayList<>();
            List<List<NDArray>> vectors = new ArrayList<>();
            long entries = 0;
            for (Shape shape : shapes) {
                gradient.add(manager.randomNormal(shape));
                List<NDArray> v = List.of(manager.randomNormal(shape), manager.randomNormal(shape));
                vectors.add(v);
                entries += shape.size();
            }
            System.out.printf(
                    "%d tensors, %.1f M entries, 2 task vectors, %d cores%n",
                    shapes.size(), entries / 1e6, Runtime.getRuntime().availableProcessors());
            for (int round = 0; round < 6; round++) {
                long t0 = System.nanoTime();
                double[] float32 = new double[2];
                for (int p = 0; p < shapes.size(); p++) {
                    for (int i = 0; i < 2; i++) {
                        try (NDArray product =
                                        gradient.get(p).mul(vectors.get(p).get(i));
                                NDArray sum = product.sum();
                                NDArray wide = sum.toType(DataType.FLOAT64, false)) {
                            float32[i] += wide.getDouble();
                        }
                    }
                }
                long t1 = System.nanoTime();
                double[] engine = new double[2];
                for (int p = 0; p < shapes.size(); p++) {
                    for (int i = 0; i < 2; i++) {
                        engine[i] += widenedInTheEngine(
                                gradient.get(p), vectors.get(p).get(i));
                    }
                }
                long t2 = System.nanoTime();
                double[] java = new double[2];
                for (int p = 0; p < shapes.size(); p++) {
                    double[] dots = Float64Dot.of(gradient.get(p), vectors.get(p));
                    java[0] += dots[0];
                    java[1] += dots[1];
                }
                long t3 = System.nanoTime();
                System.out.printf(
                        "round %d: float32 in the engine %.3f s, float64 in the engine (slices widened) %.3f s, "
                                + "Float64Dot (float64 in Java, slices copied out) %.3f s; dots %.6f / %.6f / %.6f%n",
                        round, (t1 - t0) / 1e9, (t2 - t1) / 1e9, (t3 - t2) / 1e9, float32[0], engine[0], java[0]);
            }
        }
    }
}
