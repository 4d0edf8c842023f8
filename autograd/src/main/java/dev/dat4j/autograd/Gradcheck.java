package dev.dat4j.autograd;

import java.util.List;
import java.util.function.Function;

/**
 * Finite-difference check of backward rules, like {@code torch.autograd.gradcheck}.
 *
 * <p>Our kernels are float32, so the forward passes run in float32; everything around them runs in
 * double on the host: the objective L = Σ out·w (w random, so every output element and every
 * direction matters), and the central difference (L(x+h) − L(x−h)) / (2h) where h is the step
 * <i>actually</i> taken after rounding x ± eps to float. With inputs of order 1, eps = 1e-2 keeps
 * float rounding noise in L (≈1e-7·|L|/eps) and the truncation error (≈eps²·L''') both near 1e-4,
 * so the tolerance |analytic − numeric| ≤ atol + rtol·|numeric| with atol = rtol = 1e-2 still fails
 * for any wrong rule (a wrong factor, sign, transpose or a missed broadcast reduction is O(1) off).
 */
public final class Gradcheck {
    public static final double EPS = 1e-2, ATOL = 1e-2, RTOL = 1e-2;

    private Gradcheck() {}

    /** Worst disagreement found: input index, element index, analytic and numeric values. */
    public record Result(double maxError, int input, long element, double analytic, double numeric) {}

    /** Checks with the default eps and tolerances; throws AssertionError naming the worst element. */
    public static Result check(String name, Function<List<Tensor>, Tensor> f, Tensor... inputs) {
        return check(name, f, EPS, ATOL, RTOL, inputs);
    }

    /**
     * Compares the gradients of every float input that requires grad (dense leaves) with central
     * differences. Must be called inside an open {@link Scope}.
     */
    public static Result check(String name, Function<List<Tensor>, Tensor> f, double eps, double atol, double rtol, Tensor... inputs) {
        List<Tensor> in = List.of(inputs);
        try (Scope s = Scope.open()) {
            for (Tensor t : inputs) t.grad = null;
            Tensor out = f.apply(in);
            Generator gen = new Generator(1234);
            float[] w = new float[Math.toIntExact(out.numel)];
            for (int i = 0; i < w.length; i++) w[i] = (float) (2 * gen.nextDouble() - 1);
            if (!out.requiresGrad) throw new AssertionError(name + ": output does not require grad");
            out.backward(Tensor.of(w, out.shape));

            Result worst = new Result(0, -1, -1, 0, 0);
            for (int i = 0; i < inputs.length; i++) {
                Tensor x = inputs[i];
                if (!x.requiresGrad || x.dtype != DType.F32) continue;
                if (x.grad == null) throw new AssertionError(name + ": input " + i + " received no gradient");
                float[] analytic = x.grad.toFloatArray();
                float[] data = x.toFloatArray();
                for (int j = 0; j < data.length; j++) {
                    float orig = data[j];
                    float plus = (float) (orig + eps), minus = (float) (orig - eps);
                    data[j] = plus;
                    double lp = objective(f, in, x, data, w);
                    data[j] = minus;
                    double lm = objective(f, in, x, data, w);
                    data[j] = orig;
                    double numeric = (lp - lm) / ((double) plus - (double) minus);
                    double err = Math.abs(analytic[j] - numeric) / (atol + rtol * Math.abs(numeric));
                    if (err > worst.maxError) worst = new Result(err, i, j, analytic[j], numeric);
                }
                x.backend.write(x.buffer(), data);
            }
            if (worst.maxError > 1) {
                throw new AssertionError(String.format("%s: gradient of input %d element %d: analytic %.6g, numeric %.6g (error %.3g x tolerance)",
                        name, worst.input, worst.element, worst.analytic, worst.numeric, worst.maxError));
            }
            return worst;
        }
    }

    private static double objective(Function<List<Tensor>, Tensor> f, List<Tensor> in, Tensor x, float[] data, float[] w) {
        x.backend.write(x.buffer(), data);
        try (Scope s = Scope.open(); var ng = GradMode.noGrad()) {
            float[] out = f.apply(in).toFloatArray();
            double l = 0;
            for (int k = 0; k < out.length; k++) l += (double) out[k] * w[k];
            return l;
        }
    }
}
