package dev.dat4j.vecops;

/** Reductions of {@link Backend#reduce}. */
public enum ReduceOp { SUM, MEAN, MAX, MIN }
