package dev.dat4j.vecops;

/**
 * Elementwise unary operations of {@link Backend#unary} with their derivatives.
 * The scalar formulas here are the reference every backend must match.
 */
public enum UnaryOp {
    NEG, ABS, EXP, LOG, SQRT, RSQRT, SQUARE, RECIPROCAL, TANH, SIGMOID, RELU,
    /** GELU, tanh approximation: 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))). */
    GELU_TANH,
    /** SiLU (swish): x·sigmoid(x). */
    SILU;

    static final float SQRT_2_OVER_PI = 0.7978845608028654f;
    static final float GELU_C = 0.044715f;

    /** f(x). */
    public float apply(float x) {
        return switch (this) {
            case NEG -> -x;
            case ABS -> Math.abs(x);
            case EXP -> (float) Math.exp(x);
            case LOG -> (float) Math.log(x);
            case SQRT -> (float) Math.sqrt(x);
            case RSQRT -> (float) (1.0 / Math.sqrt(x));
            case SQUARE -> x * x;
            case RECIPROCAL -> 1f / x;
            case TANH -> (float) Math.tanh(x);
            case SIGMOID -> (float) (1.0 / (1.0 + Math.exp(-x)));
            case RELU -> x > 0 ? x : 0f;
            case GELU_TANH -> {
                float u = SQRT_2_OVER_PI * (x + GELU_C * x * x * x);
                yield 0.5f * x * (1f + (float) Math.tanh(u));
            }
            case SILU -> (float) (x / (1.0 + Math.exp(-x)));
        };
    }

    /** f'(x), given x and y = f(x). */
    public float derivative(float x, float y) {
        return switch (this) {
            case NEG -> -1f;
            case ABS -> x > 0 ? 1f : (x < 0 ? -1f : 0f);
            case EXP -> y;
            case LOG -> 1f / x;
            case SQRT -> 0.5f / y;
            case RSQRT -> -0.5f * y * y * y;
            case SQUARE -> 2f * x;
            case RECIPROCAL -> -y * y;
            case TANH -> 1f - y * y;
            case SIGMOID -> y * (1f - y);
            case RELU -> x > 0 ? 1f : 0f;
            case GELU_TANH -> {
                float x2 = x * x;
                float u = SQRT_2_OVER_PI * (x + GELU_C * x2 * x);
                float t = (float) Math.tanh(u);
                float du = SQRT_2_OVER_PI * (1f + 3f * GELU_C * x2);
                yield 0.5f * (1f + t) + 0.5f * x * (1f - t * t) * du;
            }
            case SILU -> {
                float s = (float) (1.0 / (1.0 + Math.exp(-x)));
                yield s * (1f + x * (1f - s));
            }
        };
    }
}
