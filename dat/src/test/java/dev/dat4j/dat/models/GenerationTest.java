package dev.dat4j.dat.models;

import dev.dat4j.autograd.Generator;
import dev.dat4j.autograd.GradMode;
import dev.dat4j.autograd.Scope;
import dev.dat4j.autograd.Tensor;
import dev.dat4j.vecops.Backends;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GenerationTest {

    static DualAttnTransformerLM model() {
        return ModelBehaviourTest.datLm("symbolic_attention", "{\"d_model\": 16, \"n_heads\": 2, \"n_symbols\": 5}",
                ", \"pos_enc_type\": \"RoPE\"", 11);
    }

    @Test
    void greedyIsTheArgmaxOfTheFullForwardAndStreamsEveryToken() {
        try (Scope _ = Scope.open(Backends.cpu())) {
            var lm = model();
            lm.train();
            int[] prompt = {1, 2, 3};
            List<Integer> streamed = new ArrayList<>();
            int[] out = Generation.generate(lm, prompt, Generation.Options.greedy(15), new Generator(0),
                    (step, tokens) -> streamed.add(tokens[0]));
            assertTrue(lm.isTraining(), "training mode restored");
            assertEquals(18, out.length);
            assertArrayEquals(prompt, Arrays.copyOf(out, 3));
            assertEquals(15, streamed.size());
            // reference loop: crop to max_block_size (12), full forward, argmax of the last position
            lm.eval();
            try (var _ = GradMode.noGrad()) {
                int[] seq = prompt.clone();
                for (int step = 0; step < 15; step++) {
                    int ctx = Math.min(seq.length, 12);
                    int[] window = Arrays.copyOfRange(seq, seq.length - ctx, seq.length);
                    float[] logits = lm.forward(Tensor.ofInts(window, 1, ctx)).toFloatArray();
                    int next = Generation.argmax(Arrays.copyOfRange(logits, (ctx - 1) * 23, ctx * 23));
                    assertEquals(next, out[seq.length], "token " + step);
                    assertEquals(next, streamed.get(step));
                    seq = Arrays.copyOf(seq, seq.length + 1);
                    seq[seq.length - 1] = next;
                }
            }
        }
    }

    @Test
    void samplingHonoursTopKAndTemperature() {
        float[] logits = {0f, 3f, 1f, 2.9f, -1f};
        Generator gen = new Generator(3);
        int[] counts = new int[5];
        for (int i = 0; i < 4000; i++) counts[Generation.pick(logits, new Generation.Options(1, 1.0, 2), gen)]++;
        assertEquals(0, counts[0] + counts[2] + counts[4], "top-2 keeps tokens 1 and 3 only");
        double p1 = Math.exp(3) / (Math.exp(3) + Math.exp(2.9));
        assertEquals(p1, counts[1] / 4000.0, 0.03);
        for (int i = 0; i < 50; i++) assertEquals(1, Generation.pick(logits, new Generation.Options(1, 1e-4, null), gen));
        assertEquals(1, Generation.pick(logits, new Generation.Options(1, 5.0, 1), gen), "top-1 = greedy");
        try (Scope _ = Scope.open(Backends.cpu())) {
            var lm = model();
            int[][] a = Generation.generate(lm, new int[][] {{4, 5}, {6, 7}}, new Generation.Options(6, 0.8, 4), new Generator(9), null);
            int[][] b = Generation.generate(lm, new int[][] {{4, 5}, {6, 7}}, new Generation.Options(6, 0.8, 4), new Generator(9), null);
            assertArrayEquals(a[0], b[0], "same seed, same samples");
            assertArrayEquals(a[1], b[1]);
        }
    }
}
