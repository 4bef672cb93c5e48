package io.embedmerge.positioning;

/**
 * The objective at a point (probe loss plus penalty), each probe part's own loss L_k, and the gradient over every
 * group's scalars: ∂L/∂a_{g,i} and ∂L/∂λ_g.
 */
public record SearchGradient(double loss, double[] partLosses, double[][] gradientA, double[] gradientLambda) {}
