package dev.dat4j.autograd;

import dev.dat4j.autograd.nn.Activation;
import dev.dat4j.autograd.nn.Dropout;
import dev.dat4j.autograd.nn.Linear;
import dev.dat4j.autograd.nn.Parameter;
import dev.dat4j.autograd.nn.Sequential;
import dev.dat4j.autograd.optim.AdamW;
import dev.dat4j.autograd.optim.GradClip;
import dev.dat4j.autograd.optim.LrSchedule;
import dev.dat4j.vecops.Backends;
import dev.dat4j.vecops.CpuMemoryScope;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** End-to-end training: an MLP on two moons, flat native memory, bitwise determinism. */
class TrainingTest {

    /** Two interleaved half circles with Gaussian noise; labels 0/1. */
    record Moons(Tensor x, Tensor y, int[] labels) {
        static Moons make(int n, double noise, Generator g) {
            float[] x = new float[2 * n];
            int[] y = new int[n];
            for (int i = 0; i < n; i++) {
                double t = Math.PI * g.nextDouble();
                boolean upper = i % 2 == 0;
                x[2 * i] = (float) ((upper ? Math.cos(t) : 1 - Math.cos(t)) + noise * g.nextGaussian());
                x[2 * i + 1] = (float) ((upper ? Math.sin(t) : 0.5 - Math.sin(t)) + noise * g.nextGaussian());
                y[i] = upper ? 0 : 1;
            }
            return new Moons(Tensor.of(x, n, 2), Tensor.ofInts(y, n), y);
        }
    }

    private static Sequential mlp(Generator g, float dropout) {
        return new Sequential(new Linear(2, 32, true, g), Activation.relu(), new Dropout(dropout, g),
                new Linear(32, 32, true, g), Activation.tanh(), new Linear(32, 2, true, g));
    }

    @Test
    void mlpLearnsTwoMoons() {
        try (Scope model = Scope.open(Backends.cpu())) {
            Generator g = new Generator(11);
            Moons data = Moons.make(256, 0.1, g);
            Sequential net = mlp(g, 0f);
            AdamW opt = new AdamW(net.parameters(), 0.01f, 0f);
            for (int step = 0; step < 300; step++) {
                try (Scope s = Scope.open()) {
                    F.crossEntropy(net.forward(data.x()), data.y()).backward();
                    opt.step();
                    opt.zeroGrad();
                }
            }
            try (Scope s = Scope.open(); var ng = GradMode.noGrad()) {
                int[] pred = net.forward(data.x()).argmax(1, false).toIntArray();
                int correct = 0;
                for (int i = 0; i < pred.length; i++) if (pred[i] == data.labels()[i]) correct++;
                assertTrue(correct >= 0.98 * pred.length, "accuracy " + correct + "/" + pred.length);
            }
        }
    }

    @Test
    void nativeMemoryStaysFlatOver1000Steps() {
        try (Scope model = Scope.open(Backends.cpu())) {
            Generator g = new Generator(3);
            Moons data = Moons.make(64, 0.1, g);
            Sequential net = mlp(g, 0.1f);
            AdamW opt = new AdamW(net.parameters(), 0.01f);
            LrSchedule sched = LrSchedule.warmupCosine(0.01f, 50, 1000, 0.001f);
            long afterWarmup = -1;
            for (int step = 0; step < 1000; step++) {
                try (Scope s = Scope.open()) {
                    F.crossEntropy(net.forward(data.x()), data.y()).backward();
                    GradClip.clipGradNorm(net.parameters(), 1.0);
                    opt.setLr(sched.lr(step));
                    opt.step();
                    opt.zeroGrad();
                }
                if (step == 4) afterWarmup = CpuMemoryScope.liveBytes();
            }
            assertEquals(afterWarmup, CpuMemoryScope.liveBytes(), "native bytes after step 5 vs after step 1000");
        }
    }

    /** Trains with dropout from a seed; returns the raw bits of every parameter. */
    private static List<int[]> trainBits(long seed) {
        try (Scope model = Scope.open(Backends.cpu())) {
            Generator g = new Generator(seed);
            Moons data = Moons.make(64, 0.1, g);
            Sequential net = mlp(g, 0.2f);
            AdamW opt = new AdamW(net.parameters(), 0.01f);
            for (int step = 0; step < 50; step++) {
                try (Scope s = Scope.open()) {
                    F.crossEntropy(net.forward(data.x()), data.y()).backward();
                    opt.step();
                    opt.zeroGrad();
                }
            }
            List<int[]> bits = new ArrayList<>();
            for (Parameter p : net.parameters()) {
                float[] v = p.toFloatArray();
                int[] b = new int[v.length];
                for (int i = 0; i < v.length; i++) b[i] = Float.floatToRawIntBits(v[i]);
                bits.add(b);
            }
            return bits;
        }
    }

    @Test
    void trainingIsBitwiseDeterministic() {
        List<int[]> a = trainBits(21), b = trainBits(21), c = trainBits(22);
        for (int i = 0; i < a.size(); i++) assertArrayEquals(a.get(i), b.get(i), "parameter " + i);
        assertFalse(java.util.Arrays.equals(a.get(0), c.get(0)), "a different seed must give different weights");
    }
}
