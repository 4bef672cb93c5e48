package io.embedmerge.merge.statistics;

/**
 * A value with its derivatives with respect to n inputs (forward-mode automatic differentiation), for the few
 * scalar formulas whose gradients Self-Positioning needs.
 */
record Dual(double v, double[] d) {

    static Dual constant(int n, double value) {
        return new Dual(value, new double[n]);
    }

    static Dual variable(int n, int index, double value) {
        double[] d = new double[n];
        d[index] = 1;
        return new Dual(value, d);
    }

    Dual plus(Dual o) {
        double[] r = new double[d.length];
        for (int i = 0; i < r.length; i++) {
            r[i] = d[i] + o.d[i];
        }
        return new Dual(v + o.v, r);
    }

    Dual minus(Dual o) {
        return plus(o.times(-1));
    }

    Dual times(double k) {
        double[] r = new double[d.length];
        for (int i = 0; i < r.length; i++) {
            r[i] = k * d[i];
        }
        return new Dual(k * v, r);
    }

    Dual times(Dual o) {
        double[] r = new double[d.length];
        for (int i = 0; i < r.length; i++) {
            r[i] = d[i] * o.v + v * o.d[i];
        }
        return new Dual(v * o.v, r);
    }

    Dual dividedBy(Dual o) {
        double[] r = new double[d.length];
        for (int i = 0; i < r.length; i++) {
            r[i] = (d[i] * o.v - v * o.d[i]) / (o.v * o.v);
        }
        return new Dual(v / o.v, r);
    }

    Dual plus(double k) {
        return new Dual(v + k, d.clone());
    }

    /** Applies f with derivative f' at v (chain rule). */
    private Dual apply(double value, double derivative) {
        return new Dual(value, times(derivative).d);
    }

    Dual sqrt() {
        double s = Math.sqrt(v);
        return apply(s, 0.5 / s);
    }

    Dual sin() {
        return apply(Math.sin(v), Math.cos(v));
    }

    Dual acos() {
        return apply(Math.acos(v), -1 / Math.sqrt(1 - v * v));
    }
}
