package io.embedmerge.positioning;

/** The coefficients of every group: the slerp weights a_{g,1..N} and the scale λ_g of group g. */
public record SearchPoint(double[][] weights, double[] lambdas) {

    public SearchPoint {
        if (weights.length != lambdas.length || weights.length == 0) {
            throw new IllegalArgumentException("one weight vector and one λ per group, at least one group");
        }
        double[][] copy = new double[weights.length][];
        for (int g = 0; g < weights.length; g++) {
            copy[g] = weights[g].clone();
        }
        weights = copy;
        lambdas = lambdas.clone();
    }

    /** Every one of {@code groups} groups at the same (a, λ). */
    public static SearchPoint of(int groups, double[] a, double lambda) {
        double[][] weights = new double[groups][];
        double[] lambdas = new double[groups];
        for (int g = 0; g < groups; g++) {
            weights[g] = a.clone();
            lambdas[g] = lambda;
        }
        return new SearchPoint(weights, lambdas);
    }

    public int groups() {
        return lambdas.length;
    }

    public int models() {
        return weights[0].length;
    }
}
