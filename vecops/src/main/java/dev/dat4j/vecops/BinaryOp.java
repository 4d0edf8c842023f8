package dev.dat4j.vecops;

/** Elementwise binary operations of {@link Backend#binary}. Comparisons produce 1.0 or 0.0. */
public enum BinaryOp {
    ADD, SUB, MUL, DIV, MAX, MIN,
    /** 1.0 where a == b, else 0.0. */
    EQ,
    /** 1.0 where a > b, else 0.0. */
    GT;

    /** Scalar definition: the reference every backend must match. */
    public float apply(float a, float b) {
        return switch (this) {
            case ADD -> a + b;
            case SUB -> a - b;
            case MUL -> a * b;
            case DIV -> a / b;
            case MAX -> Math.max(a, b);
            case MIN -> Math.min(a, b);
            case EQ -> a == b ? 1f : 0f;
            case GT -> a > b ? 1f : 0f;
        };
    }
}
