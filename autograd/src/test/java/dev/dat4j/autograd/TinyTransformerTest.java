package dev.dat4j.autograd;

import dev.dat4j.autograd.nn.Embedding;
import dev.dat4j.autograd.nn.LayerNorm;
import dev.dat4j.autograd.nn.Linear;
import dev.dat4j.autograd.nn.Module;
import dev.dat4j.autograd.nn.ModuleList;
import dev.dat4j.autograd.optim.AdamW;
import dev.dat4j.autograd.optim.GradClip;
import dev.dat4j.autograd.optim.ParamGroup;
import dev.dat4j.vecops.Backends;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** A 2-layer causal Transformer (d = 32, RoPE) built from the nn layers overfits a short text. */
class TinyTransformerTest {
    static final String TEXT = "the dual attention transformer learns relations; the quick brown fox jumps over it. ";

    static final class Attention extends Module {
        final Linear wq, wk, wv, wo;
        final int heads;

        Attention(int d, int heads, Generator g) {
            this.heads = heads;
            wq = register("wq", new Linear(d, d, false, g));
            wk = register("wk", new Linear(d, d, false, g));
            wv = register("wv", new Linear(d, d, false, g));
            wo = register("wo", new Linear(d, d, false, g));
        }

        // x: (B, T, d) → (B, T, d)
        Tensor forward(Tensor x, Tensor cos, Tensor sin) {
            int b = x.size(0), t = x.size(1), d = x.size(2), hd = d / heads;
            Tensor q = F.rope(wq.forward(x).view(b, t, heads, hd), cos, sin).permute(0, 2, 1, 3);  // (B, H, T, hd)
            Tensor k = F.rope(wk.forward(x).view(b, t, heads, hd), cos, sin).permute(0, 2, 1, 3);
            Tensor v = wv.forward(x).view(b, t, heads, hd).permute(0, 2, 1, 3);
            Tensor att = q.matmul(k.transpose(-2, -1)).softmax((float) (1 / Math.sqrt(hd)), true);   // (B, H, T, T)
            return wo.forward(att.matmul(v).permute(0, 2, 1, 3).reshape(b, t, d));
        }
    }

    static final class Block extends Module {
        final LayerNorm ln1, ln2;
        final Attention attn;
        final Linear fc, proj;

        Block(int d, int heads, Generator g) {
            ln1 = register("ln_1", new LayerNorm(d));
            attn = register("attn", new Attention(d, heads, g));
            ln2 = register("ln_2", new LayerNorm(d));
            fc = register("fc", new Linear(d, 4 * d, true, g));
            proj = register("proj", new Linear(4 * d, d, true, g));
        }

        Tensor forward(Tensor x, Tensor cos, Tensor sin) {
            x = x.add(attn.forward(ln1.forward(x), cos, sin));
            return x.add(proj.forward(fc.forward(ln2.forward(x)).gelu()));
        }
    }

    static final class Gpt extends Module {
        final Embedding wte;
        final ModuleList<Block> blocks = new ModuleList<>();
        final LayerNorm lnF;
        final Linear head;
        final Tensor cos, sin;

        Gpt(int vocab, int d, int layers, int heads, int maxT, Generator g) {
            wte = register("wte", new Embedding(vocab, d, g));
            register("blocks", blocks);
            for (int i = 0; i < layers; i++) blocks.add(new Block(d, heads, g));
            lnF = register("ln_f", new LayerNorm(d));
            head = register("lm_head", new Linear(d, vocab, false, g));
            Tensor[] cs = F.ropeTables(maxT, d / heads, 10000);
            cos = registerBuffer("rope_cos", cs[0], false);
            sin = registerBuffer("rope_sin", cs[1], false);
        }

        Tensor forward(Tensor ids) {
            Tensor x = wte.forward(ids);
            for (Block b : blocks) x = b.forward(x, cos, sin);
            return head.forward(lnF.forward(x));
        }
    }

    @Test
    void overfitsAShortText() {
        String chars = TEXT.chars().distinct().sorted().collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
        int[] tokens = TEXT.chars().map(chars::indexOf).toArray();
        int vocab = chars.length(), t = 16, batch = 8;
        try (Scope model = Scope.open(Backends.cpu())) {
            Generator g = new Generator(5);
            Gpt gpt = new Gpt(vocab, 32, 2, 4, t, g);
            AdamW opt = new AdamW(ParamGroup.decayMatricesOnly(gpt, 0.0f), 3e-3f, 0.9f, 0.99f, 1e-8f);
            float loss = Float.NaN;
            for (int step = 0; step < 600 && !(loss < 0.1f); step++) {
                int[] x = new int[batch * t], y = new int[batch * t];
                for (int b = 0; b < batch; b++) {
                    int start = g.nextInt(tokens.length - t - 1);
                    System.arraycopy(tokens, start, x, b * t, t);
                    System.arraycopy(tokens, start + 1, y, b * t, t);
                }
                try (Scope s = Scope.open()) {
                    Tensor l = F.crossEntropy(gpt.forward(Tensor.ofInts(x, batch, t)), Tensor.ofInts(y, batch, t));
                    l.backward();
                    GradClip.clipGradNorm(gpt.parameters(), 1.0);
                    opt.step();
                    opt.zeroGrad();
                    loss = l.item();
                }
            }
            assertTrue(loss < 0.1f, "final loss " + loss);
        }
    }
}
