package dev.dat4j.autograd.optim;

import dev.dat4j.autograd.F;
import dev.dat4j.autograd.Generator;
import dev.dat4j.autograd.Scope;
import dev.dat4j.autograd.Tensor;
import dev.dat4j.autograd.nn.Linear;
import dev.dat4j.autograd.nn.Parameter;
import dev.dat4j.autograd.nn.Sequential;
import dev.dat4j.autograd.nn.Activation;
import dev.dat4j.vecops.Backends;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class OptimTest {
    private Scope scope;

    @BeforeEach
    void open() {
        scope = Scope.open(Backends.cpu());
    }

    @AfterEach
    void close() {
        scope.close();
    }

    /** A parameter with value {@code init} whose gradient is set to {@code grad}. */
    private static Parameter param(float[] init, float[] grad) {
        Parameter p = new Parameter(Tensor.of(init, init.length));
        p.mul(Tensor.of(grad, grad.length)).sum().backward();
        return p;
    }

    private static void setGrad(Parameter p, float[] grad) {
        p.grad().copy_(Tensor.of(grad, grad.length));
    }

    /** Host reference of Adam/AdamW (PyTorch's formulas) in double. */
    private static double[] adamReference(double theta, double[] grads, double lr, double b1, double b2, double eps, double wd, boolean decoupled) {
        double m = 0, v = 0;
        double[] out = new double[grads.length];
        for (int t = 1; t <= grads.length; t++) {
            double g = grads[t - 1];
            if (!decoupled) g += wd * theta;
            m = b1 * m + (1 - b1) * g;
            v = b2 * v + (1 - b2) * g * g;
            if (decoupled) theta -= lr * wd * theta;
            theta -= lr * (m / (1 - Math.pow(b1, t))) / (Math.sqrt(v / (1 - Math.pow(b2, t))) + eps);
            out[t - 1] = theta;
        }
        return out;
    }

    @Test
    void adamAndAdamWMatchTheReferenceFormulas() {
        double[] grads = {0.5, -1.0, 0.25};
        for (boolean decoupled : new boolean[] {false, true}) {
            Parameter p = param(new float[] {1.5f}, new float[] {(float) grads[0]});
            Optimizer opt = decoupled ? new AdamW(List.of(p), 0.1f, 0.2f) : new Adam(List.of(p), 0.1f, 0.9f, 0.999f, 1e-8f, 0.2f);
            double[] ref = adamReference(1.5, grads, 0.1, 0.9, 0.999, 1e-8, 0.2, decoupled);
            for (int t = 0; t < grads.length; t++) {
                setGrad(p, new float[] {(float) grads[t]});
                opt.step();
                assertEquals(ref[t], p.item(), 1e-5, "decoupled=" + decoupled + " step " + t);
            }
        }
    }

    @Test
    void sgdWithMomentum() {
        Parameter p = param(new float[] {1f}, new float[] {1f});
        SGD opt = new SGD(List.of(p), 0.1f, 0.9f, 0f);
        opt.step();                         // buf = 1, θ = 0.9
        assertEquals(0.9f, p.item(), 1e-6);
        setGrad(p, new float[] {0.5f});
        opt.step();                         // buf = 0.9 + 0.5 = 1.4, θ = 0.76
        assertEquals(0.76f, p.item(), 1e-6);
    }

    @Test
    void clipGradNormScalesToTheLimit() {
        Parameter a = param(new float[] {0f}, new float[] {3f}), b = param(new float[] {0f}, new float[] {4f});
        double norm = GradClip.clipGradNorm(List.of(a, b), 1.0);
        assertEquals(5.0, norm, 1e-6);
        assertEquals(1.0, GradClip.globalNorm(List.of(a, b)), 1e-5);
        assertEquals(0.6f, a.grad().item(), 1e-5);
        assertEquals(1.0, GradClip.clipGradNorm(List.of(a, b), 10.0), 1e-5);   // under the limit: unchanged
        assertEquals(0.6f, a.grad().item(), 1e-5);
    }

    @Test
    void gradientAccumulationEqualsTheFullBatch() {
        Generator g = new Generator(5);
        Sequential net = new Sequential(new Linear(3, 8, true, g), Activation.tanh(), new Linear(8, 4, true, g));
        Tensor x = Tensor.randn(g, 6, 3);
        Tensor y = Tensor.ofInts(new int[] {0, 3, 1, 2, 2, 1}, 6);
        F.crossEntropy(net.forward(x), y).backward();
        List<float[]> full = net.parameters().stream().map(p -> p.grad().toFloatArray()).toList();
        net.zeroGrad();
        for (int half = 0; half < 2; half++) {   // two micro-batches of 3, each loss scaled by 1/2
            F.crossEntropy(net.forward(x.narrow(0, 3 * half, 3)), y.narrow(0, 3 * half, 3)).mul(0.5f).backward();
        }
        for (int i = 0; i < full.size(); i++) assertArrayEquals(full.get(i), net.parameters().get(i).grad().toFloatArray(), 1e-6f);
    }

    @Test
    void paramGroupsDecayOnlyMatrices() {
        Sequential net = new Sequential(new Linear(3, 2, true, new Generator(1)));
        List<ParamGroup> groups = ParamGroup.decayMatricesOnly(net, 0.1f);
        assertEquals(List.of(net.namedParameters().get("0.weight")), groups.get(0).params());
        assertEquals(0.1f, groups.get(0).weightDecay());
        assertEquals(List.of(net.namedParameters().get("0.bias")), groups.get(1).params());
        assertEquals(0f, groups.get(1).weightDecay());
    }

    @Test
    void schedules() {
        LrSchedule s = LrSchedule.warmupCosine(1f, 10, 110, 0.1f);
        assertEquals(0.1f, s.lr(0), 1e-6);
        assertEquals(1f, s.lr(9), 1e-6);
        assertEquals(1f, s.lr(10), 1e-6);
        assertEquals(0.55f, s.lr(60), 1e-6);
        assertEquals(0.1f, s.lr(110), 1e-6);
        assertEquals(0.1f, s.lr(500), 1e-6);
        LrSchedule e = LrSchedule.perEpoch(LrSchedule.stepDecay(1f, 0.5f, 2), 100);
        assertEquals(1f, e.lr(199));
        assertEquals(0.5f, e.lr(200));
        assertEquals(0.25f, e.lr(450));
        assertEquals(3f, LrSchedule.constant(3f).lr(12345));
    }
}
