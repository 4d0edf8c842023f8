package dev.dat4j.autograd;

import dev.dat4j.autograd.nn.Activation;
import dev.dat4j.autograd.nn.Linear;
import dev.dat4j.autograd.nn.Sequential;
import dev.dat4j.autograd.optim.Adam;
import dev.dat4j.vecops.Backends;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class SmokeTest {
    @Test
    void xor() {
        try (Scope model = Scope.open(Backends.cpu())) {
            Generator gen = new Generator(1);
            var net = new Sequential(new Linear(2, 16, true, gen), Activation.tanh(), new Linear(16, 1, true, gen));
            var opt = new Adam(net.parameters(), 0.05f);
            float loss = 0;
            for (int i = 0; i < 300; i++) {
                try (Scope step = Scope.open()) {
                    Tensor x = Tensor.of(new float[] {0, 0, 0, 1, 1, 0, 1, 1}, 4, 2);
                    Tensor y = Tensor.of(new float[] {0, 1, 1, 0}, 4, 1);
                    Tensor l = net.forward(x).sub(y).square().mean();
                    l.backward();
                    opt.step();
                    opt.zeroGrad();
                    loss = l.item();
                }
            }
            assertTrue(loss < 1e-3, "loss " + loss);
        }
    }
}
