package dev.dat4j.autograd.nn;

import dev.dat4j.autograd.Generator;
import dev.dat4j.autograd.GradMode;
import dev.dat4j.autograd.Scope;
import dev.dat4j.autograd.Tensor;
import dev.dat4j.vecops.Backends;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class ModuleTest {
    private Scope scope;

    @BeforeEach
    void open() {
        scope = Scope.open(Backends.cpu());
    }

    @AfterEach
    void close() {
        scope.close();
    }

    static final class Block extends Module {
        final LayerNorm ln;
        final Linear attn;
        final Dropout drop;

        Block(int d, Generator gen) {
            ln = register("ln_1", new LayerNorm(d));
            attn = register("attn", new Linear(d, d, false, gen));
            drop = register("drop", new Dropout(0.5f, gen));
        }

        Tensor forward(Tensor x) {
            return x.add(drop.forward(attn.forward(ln.forward(x))));
        }
    }

    static final class Net extends Module {
        final Embedding wte;
        final ModuleList<Block> blocks = new ModuleList<>();
        final Linear head;

        Net(int vocab, int d, int layers, Generator gen, boolean tie) {
            wte = register("wte", new Embedding(vocab, d, gen));
            register("blocks", blocks);
            for (int i = 0; i < layers; i++) blocks.add(new Block(d, gen));
            head = register("lm_head", new Linear(d, vocab, false, gen));
            if (tie) registerParameter("tied", wte.weight());
        }

        Tensor forward(Tensor ids) {
            Tensor x = wte.forward(ids);
            for (Block b : blocks) x = b.forward(x);
            return head.forward(x);
        }
    }

    @Test
    void dottedNamesFollowPyTorch() {
        Net net = new Net(11, 4, 2, new Generator(1), false);
        assertEquals(List.of("wte.weight", "blocks.0.ln_1.weight", "blocks.0.ln_1.bias", "blocks.0.attn.weight",
                "blocks.1.ln_1.weight", "blocks.1.ln_1.bias", "blocks.1.attn.weight", "lm_head.weight"),
                List.copyOf(net.namedParameters().keySet()));
        assertEquals(11 * 4 + 2 * (4 + 4 + 16) + 11 * 4, net.numParameters());
        assertTrue(net.namedModules().containsKey("blocks.1.drop"));
    }

    @Test
    void sharedParametersCountOnceButAppearInStateDict() {
        Net net = new Net(5, 3, 1, new Generator(1), true);
        // like PyTorch: the first path in module order wins (the root's own parameters come first)
        assertTrue(net.namedParameters().containsKey("tied"));
        assertFalse(net.namedParameters().containsKey("wte.weight"));
        assertTrue(net.stateDict().containsKey("tied") && net.stateDict().containsKey("wte.weight"));
        assertEquals(5 * 3 + (3 + 3 + 9) + 5 * 3, net.numParameters());
    }

    @Test
    void stateDictRoundTrip() {
        Net a = new Net(7, 4, 2, new Generator(1), false), b = new Net(7, 4, 2, new Generator(2), false);
        a.eval();
        b.eval();
        Tensor ids = Tensor.ofInts(new int[] {1, 2, 6, 0}, 2, 2);
        try (var ng = GradMode.noGrad()) {
            assertFalse(java.util.Arrays.equals(a.forward(ids).toFloatArray(), b.forward(ids).toFloatArray()));
            var res = b.loadStateDict(a.stateDict(), true);
            assertTrue(res.missingKeys().isEmpty() && res.unexpectedKeys().isEmpty());
            assertArrayEquals(a.forward(ids).toFloatArray(), b.forward(ids).toFloatArray());
        }
    }

    @Test
    void loadStateDictReportsEveryProblemAtOnce() {
        Net net = new Net(7, 4, 1, new Generator(1), false);
        Map<String, Tensor> sd = new LinkedHashMap<>(net.stateDict());
        sd.remove("lm_head.weight");
        sd.put("blocks.0.attn.weight", Tensor.zeros(3, 4));
        sd.put("blocks.0.attn.bias", Tensor.zeros(4));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> net.loadStateDict(sd, true));
        String m = e.getMessage();
        assertTrue(m.contains("missing keys: lm_head.weight"), m);
        assertTrue(m.contains("unexpected keys: blocks.0.attn.bias"), m);
        assertTrue(m.contains("blocks.0.attn.weight: expected [4, 4] F32, got [3, 4] F32"), m);
        sd.put("blocks.0.attn.weight", Tensor.zeros(4, 4));
        var res = net.loadStateDict(sd, false);
        assertEquals(List.of("lm_head.weight"), res.missingKeys());
        assertEquals(List.of("blocks.0.attn.bias"), res.unexpectedKeys());
        assertEquals(0f, net.blocks.get(0).attn.weight().abs().sum().item());
    }

    @Test
    void trainEvalPropagatesAndDropoutIsIdentityInEval() {
        Net net = new Net(7, 8, 1, new Generator(1), false);
        net.eval();
        assertFalse(net.blocks.get(0).drop.isTraining());
        Tensor x = Tensor.ones(2, 8);
        assertSame(x, net.blocks.get(0).drop.forward(x));
        net.train();
        float[] y = net.blocks.get(0).drop.forward(x).toFloatArray();
        int zeros = 0;
        for (float v : y) {
            assertTrue(v == 0f || v == 2f);
            if (v == 0f) zeros++;
        }
        assertTrue(zeros > 0 && zeros < 16);
    }

    @Test
    void initialisersFollowPyTorchBounds() {
        Linear lin = new Linear(64, 32, true, new Generator(3));
        float bound = (float) (1 / Math.sqrt(64));
        for (float v : lin.weight().toFloatArray()) assertTrue(Math.abs(v) <= bound);
        for (float v : lin.bias().toFloatArray()) assertTrue(Math.abs(v) <= bound);
        assertTrue(lin.weight().abs().max(1, false).max(0, false).item() > 0.9f * bound);
        float[] e = new Embedding(100, 50, new Generator(4)).weight().toFloatArray();
        double s = 0, ss = 0;
        for (float v : e) {
            s += v;
            ss += v * v;
        }
        assertEquals(0, s / e.length, 0.05);
        assertEquals(1, Math.sqrt(ss / e.length - (s / e.length) * (s / e.length)), 0.05);
        Tensor w = Init.xavierUniform_(Tensor.zeros(10, 30), 1.0, new Generator(5));
        for (float v : w.toFloatArray()) assertTrue(Math.abs(v) <= Math.sqrt(6.0 / 40));
        LayerNorm ln = new LayerNorm(5);
        assertArrayEquals(new float[] {1, 1, 1, 1, 1}, ln.weight().toFloatArray());
        assertArrayEquals(new float[] {0, 0, 0, 0, 0}, ln.bias().toFloatArray());
    }

    @Test
    void sequentialNamesChildrenByIndex() {
        Generator g = new Generator(1);
        Sequential s = new Sequential(new Linear(2, 3, true, g), Activation.gelu(), new Linear(3, 1, true, g));
        assertEquals(List.of("0.weight", "0.bias", "2.weight", "2.bias"), List.copyOf(s.namedParameters().keySet()));
        assertArrayEquals(new int[] {5, 1}, s.forward(Tensor.zeros(5, 2)).shape());
    }
}
